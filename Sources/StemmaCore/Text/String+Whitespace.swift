extension String {
    /// The text without leading and trailing whitespace (spaces, tabs, line breaks, Unicode spaces).
    ///
    /// The common case, nothing to trim, returns the string itself without allocating: readers call this for
    /// every value of 155,000-file inventories.
    public var trimmedWhitespace: String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        let maybeSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 >= 0x80 }
        if !maybeSpace(first) && !maybeSpace(last) { return self }
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
