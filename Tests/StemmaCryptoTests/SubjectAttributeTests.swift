import StemmaCore
import StemmaCrypto
import StemmaTestSupport
import Testing

/// Subjects read attribute by attribute, and the KeyUsage rule, on certificates made with the `openssl` CLI.
@Suite struct SubjectAttributeTests {
    /// A self-signed certificate with the given `-subj` and extension lines.
    static func certificate(
        subject: String, extensions: [String] = [], multivalued: Bool = false, in folder: TemporaryFolder
    ) throws -> Certificate {
        let name = "c\(subject.utf8.count)\(extensions.count)"
        try TestKeys.generate("P-256", named: name, in: folder)
        var arguments = [
            "req", "-new", "-x509", "-utf8", "-key", folder.url(name + ".pem"), "-subj", subject, "-days", "2",
            "-out", folder.url(name + ".crt"),
        ]
        if multivalued { arguments.append("-multivalue-rdn") }
        for line in extensions { arguments += ["-addext", line] }
        try Command.succeed("openssl", arguments)
        return try Certificate.loadPEM(try folder.read(name + ".crt"), source: name)[0]
    }

    @Test func aValueThatLooksLikeAnAttributeStaysInsideItsAttribute() throws {
        let folder = try TemporaryFolder()
        let leaf = try Self.certificate(subject: "/CN=mallory/OU=CN=fraud-x", in: folder)
        // The flattened RFC 2253 text does not escape '=', so a glob over it (`*CN=fraud-*`) was fooled.
        #expect(leaf.subject == "OU=CN=fraud-x,CN=mallory")
        let attributes = try leaf.subjectAttributes()
        #expect(attributes.map(\.shortName) == ["CN", "OU"])
        #expect(attributes.map(\.value) == ["mallory", "CN=fraud-x"])
        #expect(attributes.map(\.oid) == ["2.5.4.3", "2.5.4.11"])
    }

    @Test func multiValuedRDNsKeepEveryAttribute() throws {
        let folder = try TemporaryFolder()
        let leaf = try Self.certificate(subject: "/O=Acme/CN=signer+OU=ml", multivalued: true, in: folder)
        let attributes = try leaf.subjectAttributes()
        // DER sorts the attributes inside one SET, so only the grouping is certain.
        #expect(attributes.count == 3)
        #expect(attributes.first.map { [$0.shortName, $0.value] } == ["O", "Acme"] && attributes.first?.rdn == 0)
        #expect(
            Set(attributes.dropFirst().map { "\($0.shortName)=\($0.value)@\($0.rdn)" }) == ["CN=signer@1", "OU=ml@1"])
    }

    @Test func nonASCIIValuesAreUTF8() throws {
        let folder = try TemporaryFolder()
        let leaf = try Self.certificate(subject: "/CN=caf\u{E9}", in: folder)
        #expect(try leaf.subjectAttributes().map { Array($0.value.utf8) } == [Array("caf\u{E9}".utf8)])
    }

    @Test func attributeTypesResolveToOIDs() {
        #expect(NameAttribute.oid(named: "CN") == "2.5.4.3")
        #expect(NameAttribute.oid(named: "commonName") == "2.5.4.3")
        #expect(NameAttribute.oid(named: "2.5.4.11") == "2.5.4.11")
        #expect(NameAttribute.oid(named: "*CN") == nil)
        #expect(NameAttribute.oid(named: "NoSuchAttribute") == nil)
        #expect(NameAttribute.oid(named: "") == nil)
    }

    /// RFC 5280: a KeyUsage extension without digitalSignature refuses the key for signatures, whatever the EKU says
    /// (model_signing 1.1.1 accepts this leaf, since its EKU is codeSigning).
    @Test(arguments: [
        (["keyUsage=critical,keyCertSign", "extendedKeyUsage=codeSigning"], false),
        (["keyUsage=critical,digitalSignature", "extendedKeyUsage=serverAuth"], true),
        (["keyUsage=critical,digitalSignature"], true),
        (["extendedKeyUsage=codeSigning"], true),
        (["extendedKeyUsage=serverAuth"], false),
    ])
    func keyUsageDecidesWhenPresent(_ extensions: [String], _ allowed: Bool) throws {
        let folder = try TemporaryFolder()
        let leaf = try Self.certificate(subject: "/CN=leaf", extensions: extensions, in: folder)
        #expect(leaf.allowsDigitalSignature == allowed)
    }
}
