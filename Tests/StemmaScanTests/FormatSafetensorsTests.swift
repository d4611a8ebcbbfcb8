import StemmaCore
import StemmaScan
import Testing

@Suite struct FormatSafetensorsTests {
    private func check(_ bytes: [UInt8]) -> [ScanFinding] {
        SafetensorsCheck.check(ScanInput(bytes: bytes, path: "model.safetensors"))
    }

    @Test func aValidFileIsSafe() {
        #expect(check(FormatFixtures.validSafetensors).isEmpty)
        #expect(check(FormatFixtures.safetensors(header: "{}", dataLength: 0)).isEmpty)
        let subByte = FormatFixtures.safetensors(
            header: #"{"q":{"dtype":"F4","shape":[3,2],"data_offsets":[0,3]},"z":{"dtype":"F32","shape":[0],"#
                + #""data_offsets":[3,3]}}"#, dataLength: 3)
        #expect(check(subByte).isEmpty)
    }

    static let malformed: [(String, [UInt8])] = [
        ("header longer than the file", FormatFixtures.safetensors(header: "{}", dataLength: 0, declaredLength: 4096)),
        ("header length 1", FormatFixtures.safetensors(header: "{", dataLength: 0, declaredLength: 1)),
        ("huge header length", FormatFixtures.safetensors(header: "{}", dataLength: 0, declaredLength: UInt64.max)),
        ("shorter than 8 bytes", [1, 0, 0]),
        (
            "offsets outside the buffer",
            FormatFixtures.safetensors(
                header: #"{"a":{"dtype":"U8","shape":[64],"data_offsets":[0,64]}}"#, dataLength: 8)
        ),
        (
            "overlapping offsets",
            FormatFixtures.safetensors(
                header: #"{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"#
                    + #""b":{"dtype":"U8","shape":[8],"data_offsets":[4,12]}}"#, dataLength: 12)
        ),
        (
            "a gap",
            FormatFixtures.safetensors(
                header: #"{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"#
                    + #""b":{"dtype":"U8","shape":[4],"data_offsets":[10,14]}}"#, dataLength: 14)
        ),
        (
            "trailing bytes not covered",
            FormatFixtures.safetensors(
                header: #"{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}"#, dataLength: 9)
        ),
        (
            "wrong size for the shape",
            FormatFixtures.safetensors(
                header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, dataLength: 8)
        ),
        (
            "bad dtype",
            FormatFixtures.safetensors(
                header: #"{"a":{"dtype":"OBJECT","shape":[8],"data_offsets":[0,8]}}"#, dataLength: 8)
        ),
        (
            "duplicate key",
            FormatFixtures.safetensors(
                header: #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"#
                    + #""a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}"#, dataLength: 8)
        ),
        (
            "negative shape",
            FormatFixtures.safetensors(
                header: #"{"a":{"dtype":"U8","shape":[-4],"data_offsets":[0,4]}}"#, dataLength: 4)
        ),
        (
            "reversed offsets",
            FormatFixtures.safetensors(
                header: #"{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}"#, dataLength: 4)
        ),
        (
            "shape product overflows",
            FormatFixtures.safetensors(
                header: #"{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#,
                dataLength: 0)
        ),
        (
            "metadata value not a string",
            FormatFixtures.safetensors(header: #"{"__metadata__":{"n":1}}"#, dataLength: 0)
        ),
        ("not JSON", FormatFixtures.safetensors(header: "{]", dataLength: 0)),
        (
            "half a byte",
            FormatFixtures.safetensors(
                header: #"{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}}"#, dataLength: 1)
        ),
    ]

    @Test(arguments: malformed)
    func brokenFilesAreMalformed(_ sample: (String, [UInt8])) {
        let findings = check(sample.1)
        #expect(findings.codes == ["scan.malformed"], "\(sample.0)")
        #expect(findings.worstVerdict == .malformed, "\(sample.0)")
    }
}
