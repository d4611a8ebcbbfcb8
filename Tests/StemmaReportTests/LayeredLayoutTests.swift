import StemmaReport
import Testing

@Suite struct LayeredLayoutTests {
    /// Pairs of edges between the same two layers whose ends are in opposite orders.
    private func crossings(_ layout: LayeredLayout, _ edges: [(from: Int, to: Int)]) -> Int {
        var count = 0
        for a in edges.indices {
            for b in edges.indices where a < b {
                let (ea, eb) = (edges[a], edges[b])
                guard layout.nodes[ea.from].layer == layout.nodes[eb.from].layer,
                    layout.nodes[ea.to].layer == layout.nodes[eb.to].layer
                else { continue }
                let top = layout.nodes[ea.from].y - layout.nodes[eb.from].y
                let bottom = layout.nodes[ea.to].y - layout.nodes[eb.to].y
                if top * bottom < 0 { count += 1 }
            }
        }
        return count
    }

    @Test func longestPathLayersAndDummiesForLongEdges() throws {
        // 0 -> 1 -> 2 -> 3, and 0 -> 3 directly: 3 is in layer 3, the long edge routes through two dummies.
        let edges = [(from: 0, to: 1), (from: 1, to: 2), (from: 2, to: 3), (from: 0, to: 3)]
        let layout = try #require(LayeredLayout(widths: [50, 60, 70, 80], edges: edges))
        #expect(layout.nodes.prefix(4).map(\.layer) == [0, 1, 2, 3])
        #expect(layout.nodes.count == 6 && layout.nodes.suffix(2).allSatisfy(\.isDummy))
        #expect(layout.routes.first { $0.edge == 3 }?.points.count == 4)
        // Columns go left to right, and nothing in a column overlaps.
        for edge in edges {
            #expect(layout.nodes[edge.from].x + layout.nodes[edge.from].width < layout.nodes[edge.to].x)
        }
        #expect(layout.width > 0 && layout.height > 0)
    }

    @Test func barycentreOrderingRemovesAvoidableCrossings() throws {
        // Two sources, each with its own two dependents, listed interleaved: drawn in input order they cross.
        let edges = [(from: 0, to: 2), (from: 1, to: 3), (from: 0, to: 4), (from: 1, to: 5)]
        let layout = try #require(LayeredLayout(widths: Array(repeating: 40, count: 6), edges: edges))
        #expect(crossings(layout, edges) == 0)
        let ys = Set(layout.nodes.filter { $0.layer == 1 }.map(\.y))
        #expect(ys.count == 4)
    }

    @Test func cyclesAreBrokenNotLooped() throws {
        let edges = [(from: 0, to: 1), (from: 1, to: 2), (from: 2, to: 0), (from: 2, to: 2), (from: 5, to: 1)]
        let layout = try #require(LayeredLayout(widths: [10, 10, 10], edges: edges))
        #expect(layout.reversedEdges == 1)
        // The self-loop and the edge to a node that does not exist are not drawn.
        #expect(layout.routes.count == 3)
        #expect(Set(layout.nodes.prefix(3).map(\.layer)).count == 3)
    }

    @Test func tooLargeIsNotDrawn() {
        let count = LayeredLayout.maxNodes + 1
        #expect(LayeredLayout(widths: Array(repeating: 10, count: count), edges: []) == nil)
        // A long chain plus an edge spanning it needs many dummies per edge; fine while within the bound.
        let chain = (0..<(LayeredLayout.maxNodes - 1)).map { (from: $0, to: $0 + 1) }
        let spans = (0..<20).map { (from: $0, to: LayeredLayout.maxNodes - 1) }
        #expect(LayeredLayout(widths: Array(repeating: 10, count: LayeredLayout.maxNodes), edges: chain + spans) == nil)
    }
}
