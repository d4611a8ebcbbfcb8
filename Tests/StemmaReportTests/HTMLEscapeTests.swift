import StemmaReport
import Testing

@Suite struct HTMLEscapeTests {
    @Test func escapesMarkupQuotesAndBidi() {
        #expect(
            HTML.text("<script>\"a\" & 'b'</script>") == "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;")
        #expect(!HTML.text("evil\u{202E}gpj.exe").contains("\u{202E}"))
        #expect(HTML.advisoryURL("PYSEC-2023-18") == "https://osv.dev/vulnerability/PYSEC-2023-18")
        #expect(HTML.advisoryURL("x\"><script>") == nil)
        #expect(HTML.advisoryURL("../../evil") == nil)
    }
}
