import StemmaArchive
import StemmaCore

/// The header of an `.npy` file: where the data starts, whether it holds Python objects (a pickle follows), and
/// how many bytes plain data must have.
struct NumpyHeader {
    /// The offset of the first data byte (or of the pickle, for object arrays).
    var dataOffset: Int
    /// Whether `descr` has an object field anywhere: the data is then a pickle.
    var hasObjects: Bool
    /// Bytes the array's data needs (shape × itemsize); nil for object arrays.
    var dataBytes: Int?

    /// NumPy refuses headers past this size by default; anything bigger is not something it wrote.
    static let maxHeaderBytes = 1 << 20

    /// Parses the header at the start of `input`.
    /// - Throws: ``StemmaError`` `.malformedInput` for anything NumPy would not load, `.io` when unreadable.
    static func parse(_ input: ScanInput) throws(StemmaError) -> NumpyHeader {
        var cursor = ByteCursor(try input.bytes(at: 0, count: 12), at: 6)
        guard let major = cursor.u8(), cursor.skip(1) else { throw failure("the header is truncated") }
        let length: Int
        switch major {
        case 1: length = cursor.u16().map(Int.init) ?? -1
        case 2, 3: length = cursor.u32().map(Int.init) ?? -1
        default: throw failure("unknown format version \(major)")
        }
        guard length >= 0 else { throw failure("the header is truncated") }
        guard length <= maxHeaderBytes else { throw failure("a header of \(length) bytes") }
        let start = cursor.position
        let text = try input.bytes(at: start, count: length)
        guard text.count == length else { throw failure("the header is truncated") }
        guard case .dict(let entries) = try PythonLiteral.parse(text) else { throw failure("the header is not a dict") }
        var values: [String: PythonLiteral] = [:]
        for entry in entries {
            guard case .string(let key) = entry.key else { throw failure("a key that is not a string") }
            values[key] = entry.value
        }
        guard let descr = values["descr"], case .boolean = values["fortran_order"],
            case .tuple(let shape) = values["shape"]
        else { throw failure("descr, fortran_order or shape is missing") }
        var header = NumpyHeader(dataOffset: start + length, hasObjects: hasObject(descr), dataBytes: nil)
        guard !header.hasObjects else { return header }
        var total = try itemSize(descr, depth: 0)
        for dimension in shape {
            guard case .integer(let size) = dimension, size >= 0 else { throw failure("a shape that is not counts") }
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow else { throw failure("a shape too large to exist") }
            total = product
        }
        header.dataBytes = total
        return header
    }

    private static func failure(_ message: String) -> StemmaError {
        StemmaError(.malformedInput, "not a valid .npy header: \(message)")
    }

    /// Whether a dtype description has an object type: `'O'`, `'|O'`, or a field of a structured type that does.
    /// Field names are not types, so `[('Open', '<f4')]` is not an object array.
    static func hasObject(_ descr: PythonLiteral) -> Bool {
        switch descr {
        case .string(let type): return type.contains("O")
        case .list(let fields): return fields.contains { field in hasObject(fieldType: field) }
        case .tuple: return hasObject(fieldType: descr)
        default: return true  // a description we do not understand is not proven object-free
        }
    }

    private static func hasObject(fieldType field: PythonLiteral) -> Bool {
        guard case .tuple(let parts) = field, parts.count >= 2 else { return true }
        return hasObject(parts[1])
    }

    /// Bytes of one element of a dtype description.
    static func itemSize(_ descr: PythonLiteral, depth: Int) throws(StemmaError) -> Int {
        guard depth < 16 else { throw failure("a dtype nested too deeply") }
        switch descr {
        case .string(let type): return try itemSize(type)
        case .list(let fields):
            var total = 0
            for field in fields {
                guard case .tuple(let parts) = field, parts.count == 2 || parts.count == 3 else {
                    throw failure("a structured field that is not (name, type[, shape])")
                }
                var size = try itemSize(parts[1], depth: depth + 1)
                if parts.count == 3 {
                    let dimensions: [PythonLiteral]
                    switch parts[2] {
                    case .tuple(let values): dimensions = values
                    case .integer: dimensions = [parts[2]]
                    default: throw failure("a field shape that is not counts")
                    }
                    for dimension in dimensions {
                        guard case .integer(let count) = dimension, count >= 0 else {
                            throw failure("a field shape that is not counts")
                        }
                        let (product, overflow) = size.multipliedReportingOverflow(by: count)
                        guard !overflow else { throw failure("a field too large to exist") }
                        size = product
                    }
                }
                let (sum, overflow) = total.addingReportingOverflow(size)
                guard !overflow else { throw failure("a record too large to exist") }
                total = sum
            }
            return total
        default: throw failure("an unknown dtype description")
        }
    }

    /// `'<f4'` → 4, `'|b1'` → 1, `'<U10'` → 40, `'|S5'` → 5, `'V8'` → 8, `'<M8[ns]'` → 8.
    static func itemSize(_ type: String) throws(StemmaError) -> Int {
        var scalars = Substring(type)
        if let first = scalars.first, "<>|=".contains(first) { scalars = scalars.dropFirst() }
        if let bracket = scalars.firstIndex(of: "[") { scalars = scalars[..<bracket] }
        guard let kind = scalars.first else { throw failure("an empty dtype") }
        let digits = scalars.dropFirst()
        if digits.isEmpty {
            switch kind {
            case "?", "b", "B": return 1
            case "S", "a", "U", "V": return 0
            default: throw failure("the dtype '\(type)' has no size")
            }
        }
        guard digits.count <= 12, let count = Int(digits), count >= 0 else { throw failure("the dtype '\(type)'") }
        switch kind {
        case "U": return count * 4
        case "b", "i", "u", "f", "c", "S", "a", "V", "M", "m", "?": return count
        default: throw failure("the dtype '\(type)'")
        }
    }
}
