import StemmaCore

// The stack, metastack and memo, with `_pickle.c`'s underflow rules: nothing below the last MARK (the fence)
// can be popped, and GET of a missing key is an error the scan survives.
extension PickleMachine {
    @inline(__always)
    mutating func push(_ value: PickleValue) throws(PickleFault) {
        stack.append(value)
        if stack.count &+ marks.count > limits.maxStackDepth { try checkDepth() }
    }

    mutating func checkDepth() throws(PickleFault) {
        guard stack.count &+ marks.count <= limits.maxStackDepth else {
            throw .limit("more than \(limits.maxStackDepth) values on the stack")
        }
    }

    @inline(__always)
    mutating func pop() throws(PickleFault) -> PickleValue {
        guard stack.count > fence else { throw .stackUnderflow }
        return stack.removeLast()
    }

    @inline(__always)
    func top() throws(PickleFault) -> PickleValue {
        guard stack.count > fence, let value = stack.last else { throw .stackUnderflow }
        return value
    }

    /// `marker()`: pops the last MARK and returns the stack size it recorded.
    mutating func popMark() throws(PickleFault) -> Int {
        guard let mark = marks.popLast() else { throw .missingMark }
        fence = marks.last ?? 0
        return min(mark, stack.count)
    }

    /// Drops the values from `mark` up.
    mutating func clear(to mark: Int) throws(PickleFault) {
        guard mark >= fence, mark <= stack.count else { throw .stackUnderflow }
        stack.removeLast(stack.count - mark)
    }

    mutating func clearAndPush(_ value: PickleValue) throws(PickleFault) {
        try clear(to: popMark())
        try push(value)
    }

    /// The values from `mark` up, as the items of a tuple (the first few kept), removed from the stack.
    mutating func popItems(to mark: Int) throws(PickleFault) -> [PickleValue] {
        guard mark >= fence else { throw .stackUnderflow }
        // Indexes, not a slice: a live slice would share the stack's buffer and make removeLast copy it all.
        var items: [PickleValue] = []
        items.reserveCapacity(min(stack.count - mark, 8))
        for index in mark..<min(stack.count, mark + 8) { items.append(stack[index].asItem) }
        stack.removeLast(stack.count - mark)
        return items
    }

    /// APPEND(S), SETITEM(S), ADDITEMS: the container is just below `mark` (`do_append` / `do_setitems`).
    mutating func addItems(_ opcode: PickleOpcode, from mark: Int, pairs: Bool) throws(PickleFault) {
        guard mark <= stack.count, mark > fence else { throw .stackUnderflow }
        if mark == stack.count { return }
        if pairs && (stack.count - mark) % 2 != 0 { throw .invalid("odd number of items for SETITEMS") }
        checkMutation(of: stack[mark - 1], opcode)
        if pairs { captureJoblibState(from: mark) }
        stack.removeLast(stack.count - mark)
    }

    // MARK: memo

    mutating func pushMemo(_ key: Int) throws(PickleFault) {
        if key >= 0, key < memo.count, let value = memo[key] {
            try push(value)
        } else if let value = sparseMemo[key] {
            try push(value)
        } else {
            note(.scanMalformed, .malformed, "GET of memo key \(key), which was never stored")
            try push(.opaque)
        }
    }

    /// PUT, BINPUT, LONG_BINPUT and MEMOIZE: stores the top of the stack.
    mutating func memoPut(_ key: Int) throws(PickleFault) {
        let value = try top()
        if key < memo.count {
            if memo[key] == nil { memoCount += 1 }
            memo[key] = value
        } else if key <= memo.count &+ 4096 && key < limits.maxMemoEntries {
            memo.append(contentsOf: repeatElement(nil, count: key - memo.count))
            memo.append(value)
            memoCount += 1
        } else {
            if sparseMemo.updateValue(value, forKey: key) == nil { memoCount += 1 }
        }
        guard memoCount <= limits.maxMemoEntries else {
            throw .limit("more than \(limits.maxMemoEntries) memo entries")
        }
    }
}
