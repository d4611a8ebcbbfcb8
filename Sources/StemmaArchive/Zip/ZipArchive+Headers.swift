import StemmaCore

extension ZipArchive {
    /// The extra fields of a record as (id, data) pairs, or nil when one runs past the end (CPython refuses those).
    static func extraFields(_ extra: [UInt8]) -> [(id: UInt16, data: [UInt8])]? {
        var cursor = ByteCursor(extra)
        var fields: [(id: UInt16, data: [UInt8])] = []
        while cursor.remaining >= 4, let id = cursor.u16(), let size = cursor.u16() {
            guard let data = cursor.take(Int(size)) else { return nil }
            fields.append((id, data))
        }
        return fields
    }

    /// The zip64 extra field (id 1) holds, in order, each 32-bit size or offset that was saturated (uncompressed,
    /// compressed, local header offset), as CPython's `_decodeExtra` reads it.
    /// - Returns: false when a saturated value is missing from the field.
    static func applyZip64(
        _ field: [UInt8], to member: inout ZipMember, compressed: UInt32, uncompressed: UInt32, offset: UInt32?
    ) -> Bool {
        var values = ByteCursor(field)
        if uncompressed == 0xFFFF_FFFF {
            guard let value = values.u64()?.clampedInt else { return false }
            member.uncompressedSize = value
        }
        if compressed == 0xFFFF_FFFF {
            guard let value = values.u64()?.clampedInt else { return false }
            member.compressedSize = value
        }
        if offset == 0xFFFF_FFFF {
            guard let value = values.u64()?.clampedInt else { return false }
            member.localHeaderOffset = value
        }
        return true
    }

    /// Reads every central-directory entry, in order, until the directory's bytes run out.
    mutating func parseDirectory(_ directory: [UInt8], maxMembers: Int) {
        var cursor = ByteCursor(directory)
        while cursor.remaining > 0 {
            guard members.count < maxMembers else {
                memberLimitReached = true
                return
            }
            guard cursor.u32() == 0x0201_4B50, let madeBy = cursor.u16(), cursor.skip(2), let flags = cursor.u16(),
                let method = cursor.u16(), cursor.skip(4), let crc = cursor.u32(), let compressed = cursor.u32(),
                let uncompressed = cursor.u32(), let nameLength = cursor.u16(), let extraLength = cursor.u16(),
                let commentLength = cursor.u16(), let diskStart = cursor.u16(), cursor.skip(2),
                let external = cursor.u32(), let offset = cursor.u32(), let rawName = cursor.take(Int(nameLength)),
                let extra = cursor.take(Int(extraLength)), cursor.skip(Int(commentLength))
            else {
                truncated = true
                flag(.directory, "the central directory ends inside its entry number \(members.count + 1)")
                return
            }
            var member = ZipMember(
                rawName: rawName, name: String(decoding: rawName, as: UTF8.self), versionMadeBy: madeBy,
                flags: flags, method: method, crc: crc, compressedSize: Int(compressed),
                uncompressedSize: Int(uncompressed), localHeaderOffset: Int(offset), externalAttributes: external,
                dataOffset: nil)
            checkExtra(extra, of: &member, compressed: compressed, uncompressed: uncompressed, offset: offset)
            if diskStart != 0 && diskStart != 0xFFFF {
                flag(.directory, member: rawName, "its entry says it starts on disk \(diskStart)")
            }
            let (shifted, overflow) = member.localHeaderOffset.addingReportingOverflow(prefixLength)
            member.localHeaderOffset = overflow ? -1 : shifted
            members.append(member)
        }
    }

    private mutating func checkExtra(
        _ extra: [UInt8], of member: inout ZipMember, compressed: UInt32, uncompressed: UInt32, offset: UInt32
    ) {
        guard let fields = Self.extraFields(extra) else {
            flag(.directory, member: member.rawName, "its extra fields run past their length (zipfile refuses it)")
            return
        }
        let zip64 = fields.filter { $0.id == 1 }
        if zip64.count > 1 {
            flag(
                .zip64, member: member.rawName, "it has \(zip64.count) zip64 extra fields; readers take different ones")
        }
        if let field = zip64.first,
            !Self.applyZip64(
                field.data, to: &member, compressed: compressed, uncompressed: uncompressed, offset: offset)
        {
            flag(.zip64, member: member.rawName, "its zip64 extra field lacks a value its entry says is there")
        } else if zip64.isEmpty, compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            flag(.zip64, member: member.rawName, "its sizes or offset are saturated without a zip64 extra field")
        }
        if fields.contains(where: { $0.id == 0x7075 }) {
            flag(
                .name, member: member.rawName,
                "it carries an Info-ZIP Unicode path field: unzip and Python 3.12+ may take that name, older "
                    + "Pythons and libarchive the header's")
        }
    }

    /// Reads each member's local header, records where its data starts, and compares it with the central entry.
    mutating func readLocalHeaders(_ source: some ZipByteSource) throws(StemmaError) {
        for index in members.indices {
            let member = members[index]
            let offset = member.localHeaderOffset
            guard offset >= 0, offset <= source.count - 30 else {
                flag(.localHeader, member: member.rawName, "the central directory points outside the file")
                continue
            }
            var cursor = ByteCursor(try source.bytes(at: offset, count: 30))
            guard cursor.u32() == 0x0403_4B50, cursor.skip(2), let flags = cursor.u16(), let method = cursor.u16(),
                cursor.skip(4), let crc = cursor.u32(), let compressed = cursor.u32(),
                let uncompressed = cursor.u32(), let nameLength = cursor.u16(), let extraLength = cursor.u16()
            else {
                flag(.localHeader, member: member.rawName, "there is no local header at offset \(offset)")
                continue
            }
            let rest = try source.bytes(at: offset + 30, count: Int(nameLength) + Int(extraLength))
            guard rest.count == Int(nameLength) + Int(extraLength) else {
                flag(.localHeader, member: member.rawName, "its local header is cut off by the end of the file")
                continue
            }
            members[index].dataOffset = offset + 30 + rest.count
            let local = LocalHeader(
                flags: flags, method: method, crc: crc, compressed: compressed, uncompressed: uncompressed,
                name: Array(rest[0..<Int(nameLength)]), extra: Array(rest[Int(nameLength)...]))
            compare(local, with: member)
        }
    }

    private struct LocalHeader {
        var flags: UInt16
        var method: UInt16
        var crc: UInt32
        var compressed: UInt32
        var uncompressed: UInt32
        var name: [UInt8]
        var extra: [UInt8]
    }

    private mutating func compare(_ local: LocalHeader, with member: ZipMember) {
        let name = member.rawName
        if local.name != name {
            flag(
                .localHeader, member: name,
                "its local header names it '\(ArchivePath.display(local.name))' (unzip and zipfile use the "
                    + "directory's name, streaming readers the header's)")
        }
        if local.method != member.method {
            flag(
                .localHeader, member: name,
                "compression method \(local.method) locally, \(member.method) in the directory")
        }
        // Bits 1 and 2 only tune deflate; every other bit changes how the entry is read.
        if local.flags & ~0x0006 != member.flags & ~0x0006 {
            flag(
                .localHeader, member: name,
                "flags 0x\(String(local.flags, radix: 16)) locally, 0x\(String(member.flags, radix: 16)) in the directory"
            )
        }
        var sizes = member
        sizes.compressedSize = Int(local.compressed)
        sizes.uncompressedSize = Int(local.uncompressed)
        let fields = Self.extraFields(local.extra) ?? []
        if let zip64 = fields.first(where: { $0.id == 1 }) {
            _ = Self.applyZip64(
                zip64.data, to: &sizes, compressed: local.compressed, uncompressed: local.uncompressed, offset: nil)
        }
        if fields.contains(where: { $0.id == 0x7075 }) {
            flag(.name, member: name, "its local header carries an Info-ZIP Unicode path field")
        }
        // With a data descriptor the local header may hold zeros; whatever it does hold must agree.
        let descriptor = local.flags & 8 != 0
        if (!descriptor || sizes.compressedSize != 0) && sizes.compressedSize != member.compressedSize
            || (!descriptor || sizes.uncompressedSize != 0) && sizes.uncompressedSize != member.uncompressedSize
        {
            flag(
                .localHeader, member: name,
                "sizes \(sizes.compressedSize)/\(sizes.uncompressedSize) locally, "
                    + "\(member.compressedSize)/\(member.uncompressedSize) in the directory")
        }
        if (!descriptor || local.crc != 0) && local.crc != member.crc {
            flag(.localHeader, member: name, "the CRC differs between the local header and the directory")
        }
    }
}
