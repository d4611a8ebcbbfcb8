internal import COpenSSL
public import StemmaCore

/// One attribute of an X.509 distinguished name, as the certificate encodes it: its type and its value, never a
/// flattened string in which a value such as `CN=fraud-x` could pass for another attribute.
public struct NameAttribute: Sendable, Equatable {
    /// The attribute type as a dotted OID (`2.5.4.3` for commonName), the one spelling that cannot be mistaken.
    public var oid: String
    /// OpenSSL's short name (`CN`, `O`, `OU`), or the OID when it has none; for messages.
    public var shortName: String
    /// The value as text (UTF-8, converted from whatever string type the certificate used).
    public var value: String
    /// Which RDN (SET) the attribute belongs to, counting from 0 in DER order; attributes of one multi-valued RDN
    /// (`CN=a+O=b`) share it.
    public var rdn: Int

    /// Creates an attribute.
    public init(oid: String, shortName: String, value: String, rdn: Int) {
        self.oid = oid
        self.shortName = shortName
        self.value = value
        self.rdn = rdn
    }

    /// The dotted OID of an attribute type written by name (`CN`, `commonName`, `OU`, `emailAddress`) or as an OID
    /// (`2.5.4.11`), or nil when OpenSSL does not know the name.
    public static func oid(named name: String) -> String? {
        OpenSSLRuntime.ensureInitialized()
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            let object = OBJ_txt2obj(name, 0)
        else {
            OpenSSLRuntime.clearErrors()
            return nil
        }
        defer { ASN1_OBJECT_free(object) }
        return dottedText(object)
    }

    static func dottedText(_ object: OpaquePointer) -> String? {  // ASN1_OBJECT *, borrowed
        var buffer = [CChar](repeating: 0, count: 128)
        let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
        guard length > 0, Int(length) < buffer.count else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Certificate {
    /// The subject's attributes in DER order (least specific first, the reverse of RFC 2253 text), with every
    /// attribute of a multi-valued RDN.
    /// - Throws: ``StemmaError`` `.malformedInput` when a value cannot be read as text (a bad string encoding or
    ///   invalid UTF-8), so that a subject is matched whole or not at all.
    public func subjectAttributes() throws(StemmaError) -> [NameAttribute] {
        guard let name = X509_get_subject_name(certificate) else {
            throw StemmaError(.malformedInput, "the certificate has no subject")
        }
        var attributes: [NameAttribute] = []
        let count = X509_NAME_entry_count(name)
        guard count >= 0, count <= 256 else {
            throw StemmaError(.limitExceeded, "the certificate's subject has \(count) attributes")
        }
        for index in 0..<count {
            guard let entry = X509_NAME_get_entry(name, index), let object = X509_NAME_ENTRY_get_object(entry),
                let data = X509_NAME_ENTRY_get_data(entry), let oid = NameAttribute.dottedText(object)
            else { throw StemmaError(.malformedInput, "the certificate's subject attribute \(index) is unreadable") }
            var utf8: UnsafeMutablePointer<UInt8>?
            let length = ASN1_STRING_to_UTF8(&utf8, data)
            guard length >= 0, let utf8 else {
                OpenSSLRuntime.clearErrors()
                throw StemmaError(.malformedInput, "the certificate's subject attribute \(oid) is not text")
            }
            defer { CRYPTO_free(utf8, #fileID, #line) }
            guard let value = String(validating: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
            else { throw StemmaError(.malformedInput, "the certificate's subject attribute \(oid) is not UTF-8") }
            let nid = OBJ_obj2nid(object)
            let short = nid == NID_undef ? nil : OBJ_nid2sn(nid).map { String(cString: $0) }
            attributes.append(
                NameAttribute(
                    oid: oid, shortName: short ?? oid, value: value, rdn: Int(X509_NAME_ENTRY_set(entry))))
        }
        return attributes
    }
}
