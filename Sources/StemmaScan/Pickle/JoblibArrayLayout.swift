/// How many bytes a joblib `NumpyArrayWrapper` state says follow it, for the dtypes whose size the type string
/// alone fixes.
struct JoblibArrayLayout {
    var byteCount: Int
    var holdsObjects: Bool
    var padded: Bool

    init?(state: [String: PickleValue]) {
        guard case .tuple(let dimensions)? = state["shape"], dimensions.count < 8,
            case .numpyDType(let descr)? = state["dtype"]
        else { return nil }
        var count = 1
        for dimension in dimensions {
            guard case .int(let value?) = dimension, value >= 0, value <= Int64(Int.max) else { return nil }
            let product = count.multipliedReportingOverflow(by: Int(value))
            guard !product.overflow else { return nil }
            count = product.partialValue
        }
        guard let itemSize = JoblibArrayLayout.itemSize(of: descr) else { return nil }
        let total = count.multipliedReportingOverflow(by: itemSize)
        guard !total.overflow else { return nil }
        byteCount = total.partialValue
        holdsObjects = descr.hasPrefix("O") || descr.dropFirst().hasPrefix("O")
        switch state["numpy_array_alignment_bytes"] {
        case nil, .noneValue?: padded = false
        default: padded = true
        }
    }

    /// The item size a numpy type string fixes (`<i8` 8, `|S5` 5, `<U5` 20), or nil for the types whose size
    /// depends on more than the string (structured `V`, unknown kinds).
    static func itemSize(of descr: String) -> Int? {
        var text = Substring(descr)
        if let first = text.first, "<>|=".contains(first) { text = text.dropFirst() }
        guard let kind = text.first, let digits = Int(text.dropFirst()), digits > 0 else { return nil }
        let unit: Int
        switch kind {
        case "b", "i", "u", "f", "c", "m", "M", "S", "a", "O": unit = 1
        case "U": unit = 4
        default: return nil  // structured ("V") dtypes may hold objects in their fields
        }
        let size = digits.multipliedReportingOverflow(by: unit)
        return size.overflow ? nil : size.partialValue
    }
}
