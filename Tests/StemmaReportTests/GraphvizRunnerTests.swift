import Testing

@testable import StemmaReport

@Suite struct GraphvizRunnerTests {
    @Test func keepsTheSVGElementAndRefusesAnythingThatLoadsOrRuns() {
        let document = """
            <?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
            <svg width="62pt" height="44pt" viewBox="0.00 0.00 62.00 44.00"><g><text>a</text></g></svg>
            """
        let svg = GraphvizRunner.inlineable(document)
        #expect(
            svg == "<svg class=\"answer graphviz\" width=\"62\" height=\"44\" viewBox=\"0.00 0.00 62.00 44.00\">"
                + "<g><text>a</text></g></svg>")
        for hostile in [
            "<svg><script>alert(1)</script></svg>", "<svg><a xlink:href=\"https://x\">a</a></svg>",
            "<svg><image href=\"x.png\"/></svg>", "<svg><g onload=\"x()\"></g></svg>",
            "<svg><foreignObject></foreignObject></svg>", "no svg at all",
        ] {
            #expect(GraphvizRunner.inlineable(hostile) == nil, "\(hostile)")
        }
    }
}
