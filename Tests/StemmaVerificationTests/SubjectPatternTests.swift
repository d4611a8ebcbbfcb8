import StemmaCore
import StemmaCrypto
import StemmaFormats
import StemmaTestSupport
import StemmaVerification
import Testing

/// `leafSubject` rules match parsed subject attributes, a glob only inside one value.
@Suite struct SubjectPatternTests {
    private func attributes(_ pairs: [(String, String)]) -> [NameAttribute] {
        pairs.enumerated().map { index, pair in
            NameAttribute(oid: NameAttribute.oid(named: pair.0)!, shortName: pair.0, value: pair.1, rdn: index)
        }
    }

    @Test func aGlobStaysInsideOneAttribute() throws {
        let pattern = try SubjectPattern("CN=fraud-*")
        #expect(pattern.matches(attributes([("CN", "fraud-scorer-signer"), ("O", "Acme Bank")])))
        // The attack on the flattened string: CN=mallory, with "CN=fraud-x" as the value of an OU.
        #expect(!pattern.matches(attributes([("CN", "mallory"), ("OU", "CN=fraud-x")])))
        #expect(!pattern.matches(attributes([("OU", "fraud-x")])))
        #expect(!pattern.matches([]))
    }

    @Test func everyTermMustMatchAndEveryAttributeOfANamedTypeToo() throws {
        let both = try SubjectPattern("CN=fraud-*, O=Acme Bank")
        #expect(both.matches(attributes([("O", "Acme Bank"), ("CN", "fraud-x")])))
        #expect(!both.matches(attributes([("O", "Acme Bankers"), ("CN", "fraud-x")])))
        // A second CN that does not match is not hidden behind one that does.
        #expect(!both.matches(attributes([("O", "Acme Bank"), ("CN", "fraud-x"), ("CN", "mallory")])))
        let units = try SubjectPattern("OU=ml, OU=risk")
        #expect(units.matches(attributes([("OU", "risk"), ("OU", "ml")])))
        #expect(!units.matches(attributes([("OU", "ml")])))
        #expect(!units.matches(attributes([("OU", "ml"), ("OU", "risk"), ("OU", "evil")])))
    }

    @Test func valuesMayHoldEscapedSeparatorsAndLiteralEquals() throws {
        #expect(try SubjectPattern(#"O=Acme\, Inc."#).matches(attributes([("O", "Acme, Inc.")])))
        #expect(try SubjectPattern(#"O=A\+B"#).matches(attributes([("O", "A+B")])))
        #expect(try SubjectPattern("OU=CN=fraud-x").matches(attributes([("OU", "CN=fraud-x")])))
        #expect(!(try SubjectPattern("OU=CN=fraud-x").matches(attributes([("CN", "fraud-x")]))))
        #expect(try SubjectPattern(#"CN=a\*b"#).matches(attributes([("CN", "a*b")])))
        #expect(!(try SubjectPattern(#"CN=a\*b"#).matches(attributes([("CN", "axb")]))))
        #expect(try SubjectPattern(#"CN=caf\C3\A9"#).matches(attributes([("CN", "caf\u{E9}")])))
        // Exact code points: the NFD spelling is another value.
        #expect(!(try SubjectPattern("CN=caf\u{E9}").matches(attributes([("CN", "cafe\u{301}")]))))
        #expect(!(try SubjectPattern("CN=Fraud").matches(attributes([("CN", "fraud")]))))
        #expect(try SubjectPattern("commonName=x, 2.5.4.10=y").matches(attributes([("CN", "x"), ("O", "y")])))
    }

    @Test(arguments: ["*CN=fraud-*", "*", "CN", "C?=x", "NoSuchType=x", "CN=x,,O=y", "", "CN=a\\", #"CN=\FF"#])
    func refusedPatterns(_ text: String) {
        #expect(throws: SubjectPatternError.self) { try SubjectPattern(text) }
    }

    @Test func globsDoNotStopAtNUL() {
        #expect(!Glob.matches("*-prod", "x-prod\u{0}y"))
        #expect(Glob.matches("*-prod", "x-prod"))
        #expect(Glob.matches("a*b*c", "a--b--b--c") && !Glob.matches("a*b*c", "a--b--b--"))
        #expect(Glob.matches("[x]", "[x]"))
    }

    @Test func aPolicyWithAGlobAcrossAttributesIsRefusedWhenLoaded() throws {
        let folder = try TemporaryFolder()
        try folder.write(
            "roots/signers.json",
            #"{"schemaVersion": 1, "signers": [{"name": "ca", "certificateChain": ["ca.pem"], "leafSubject": "*CN=fraud-*", "models": ["*"]}]}"#
        )
        try Command.succeed(
            "openssl",
            [
                "req", "-new", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                folder.url("ca.key"), "-subj", "/CN=ca", "-days", "2", "-out", folder.url("roots/ca.pem"),
            ])
        do {
            _ = try TrustSource.trustRoots(folder.url("roots")).signers()
            Issue.record("a leafSubject glob across attributes must be refused")
        } catch {
            #expect(error.message.contains("signers.json"))
            #expect(error.message.contains("*CN=fraud-*"))
        }
    }
}
