/// One distinct import of the current pickle, with where it was made and whether anything called it.
struct PickleImport {
    var global: PickleGlobal
    var rating: PickleRating
    /// The import's spelling was cut at ``PickleValue/nameLimit`` bytes.
    var truncated: Bool
    /// Offset and opcode of the first import.
    var offset: Int
    var opcode: PickleOpcode
    /// Offset and opcode of the first call on it (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX).
    var callOffset: Int?
    var callOpcode: PickleOpcode?

    var isCalled: Bool { callOffset != nil }
}
