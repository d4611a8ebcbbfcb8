/// A layered (Sugiyama-style) layout for the answer subgraph, used when Graphviz is not installed.
///
/// 1. Cycles are broken by dropping the back edges of an iterative depth-first search (the graph may hold cycles:
///    sub-agents that spawn each other).
/// 2. Longest-path layering: a node's layer is one more than the deepest of its sources (so flagged components,
///    which depend on nothing in the answer, sit in layer 0 on the left and agents far right).
/// 3. An edge that spans several layers gets one dummy node per layer it crosses, so it can route between nodes.
/// 4. Barycentre ordering: a few sweeps left-to-right then right-to-left place each node at the mean position of
///    its neighbours in the layer before, which removes most crossings (a stable sort keeps ties in input order).
/// 5. Coordinates: columns as wide as their widest label, rows evenly spaced, each column centred vertically.
///
/// Every step is linear in nodes plus edges (plus dummies) times the fixed number of sweeps; callers bound the
/// size (``maxNodes``, ``maxDummies``) so a 50,000-node answer is listed, not drawn.
public struct LayeredLayout: Sendable {
    /// A placed node; dummy nodes (``isDummy``) carry long edges and are not drawn.
    public struct Placed: Sendable {
        public var layer: Int
        public var x: Double
        public var y: Double
        public var width: Double
        public var isDummy: Bool
    }

    /// An edge as the points it passes through, source first.
    public struct Route: Sendable {
        /// Index of the edge in the input.
        public var edge: Int
        public var points: [(x: Double, y: Double)]
    }

    public static let maxNodes = 400
    public static let maxDummies = 4000
    public static let rowHeight = 34.0
    public static let nodeHeight = 24.0
    public static let columnGap = 96.0
    public static let margin = 16.0

    /// Real nodes first (same indices as the input), then dummies.
    public private(set) var nodes: [Placed] = []
    public private(set) var routes: [Route] = []
    public private(set) var width = 0.0
    public private(set) var height = 0.0
    /// Edges reversed to break cycles.
    public private(set) var reversedEdges = 0

    /// Lays out `count` nodes of the given label widths and the edges `(from, to)`, `from` drawn left of `to`.
    /// Returns nil when the graph is larger than ``maxNodes`` or needs more than ``maxDummies`` dummies.
    public init?(widths: [Double], edges: [(from: Int, to: Int)]) {
        let count = widths.count
        guard count <= Self.maxNodes else { return nil }
        // Self-loops and edges to nodes that do not exist are not drawn; `original` maps back to the input.
        let valid = edges.enumerated().filter { _, edge in
            edge.from >= 0 && edge.from < count && edge.to >= 0 && edge.to < count && edge.from != edge.to
        }.map { index, edge in (from: edge.from, to: edge.to, original: index) }
        var outgoing = [[Int]](repeating: [], count: count)
        for (index, edge) in valid.enumerated() { outgoing[edge.from].append(index) }

        // 1. Back edges of an iterative DFS.
        var state = [UInt8](repeating: 0, count: count)  // 0 new, 1 on stack, 2 done
        var backEdge = [Bool](repeating: false, count: valid.count)
        for root in 0..<count where state[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = stack.last {
                if top.next < outgoing[top.node].count {
                    stack[stack.count - 1].next += 1
                    let edgeIndex = outgoing[top.node][top.next]
                    let target = valid[edgeIndex].to
                    if state[target] == 1 {
                        backEdge[edgeIndex] = true
                    } else if state[target] == 0 {
                        state[target] = 1
                        stack.append((target, 0))
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }
        reversedEdges = backEdge.filter { $0 }.count
        let dag = valid.enumerated().map { index, edge in
            backEdge[index] ? (from: edge.to, to: edge.from) : (from: edge.from, to: edge.to)
        }

        // 2. Longest-path layering in topological order (Kahn).
        var indegree = [Int](repeating: 0, count: count)
        var successors = [[Int]](repeating: [], count: count)
        for edge in dag {
            indegree[edge.to] += 1
            successors[edge.from].append(edge.to)
        }
        var layer = [Int](repeating: 0, count: count)
        var queue = (0..<count).filter { indegree[$0] == 0 }
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for next in successors[node] {
                layer[next] = max(layer[next], layer[node] + 1)
                indegree[next] -= 1
                if indegree[next] == 0 { queue.append(next) }
            }
        }

        // 3. Dummy nodes for long edges; chains of adjacent-layer segments.
        var layerOf = layer
        var chains: [[Int]] = []
        for edge in dag {
            var chain = [edge.from]
            var current = layer[edge.from] + 1
            while current < layer[edge.to] {
                guard layerOf.count - count < Self.maxDummies else { return nil }
                layerOf.append(current)
                chain.append(layerOf.count - 1)
                current += 1
            }
            chain.append(edge.to)
            chains.append(chain)
        }
        let total = layerOf.count
        var left = [[Int]](repeating: [], count: total)
        var right = [[Int]](repeating: [], count: total)
        for chain in chains {
            for step in 0..<(chain.count - 1) {
                right[chain[step]].append(chain[step + 1])
                left[chain[step + 1]].append(chain[step])
            }
        }

        // 4. Barycentre ordering.
        let layerCount = (layerOf.max() ?? -1) + 1
        var layers = [[Int]](repeating: [], count: layerCount)
        for node in 0..<total { layers[layerOf[node]].append(node) }
        var position = [Double](repeating: 0, count: total)
        func renumber(_ index: Int) { for (slot, node) in layers[index].enumerated() { position[node] = Double(slot) } }
        for index in 0..<layerCount { renumber(index) }
        func sweep(_ index: Int, neighbours: [[Int]]) {
            let keyed = layers[index].map { node -> (node: Int, key: Double) in
                let around = neighbours[node]
                guard !around.isEmpty else { return (node, position[node]) }
                return (node, around.reduce(0) { $0 + position[$1] } / Double(around.count))
            }
            layers[index] = keyed.enumerated().sorted { a, b in
                a.element.key != b.element.key ? a.element.key < b.element.key : a.offset < b.offset
            }.map(\.element.node)
            renumber(index)
        }
        for _ in 0..<4 {
            for index in stride(from: 1, to: layerCount, by: 1) { sweep(index, neighbours: left) }
            for index in stride(from: layerCount - 2, through: 0, by: -1) { sweep(index, neighbours: right) }
        }

        // 5. Coordinates.
        let tallest = layers.map(\.count).max() ?? 0
        height = Double(tallest) * Self.rowHeight + 2 * Self.margin
        var x = Self.margin
        nodes = (0..<total).map { node in
            Placed(layer: layerOf[node], x: 0, y: 0, width: node < count ? widths[node] : 0, isDummy: node >= count)
        }
        for index in 0..<layerCount {
            let columnWidth = layers[index].map { nodes[$0].width }.max() ?? 0
            let offset = (Double(tallest - layers[index].count) * Self.rowHeight) / 2
            for (slot, node) in layers[index].enumerated() {
                nodes[node].x = x + (columnWidth - nodes[node].width) / 2
                nodes[node].y = Self.margin + offset + Double(slot) * Self.rowHeight + Self.rowHeight / 2
                if nodes[node].isDummy { nodes[node].x = x + columnWidth / 2 }
            }
            x += columnWidth + Self.columnGap
        }
        width = x - Self.columnGap + Self.margin

        // Routes: from the right side of a node to the left side of the next, through dummies.
        for (index, chain) in chains.enumerated() {
            var points = chain.enumerated().map { step, node -> (x: Double, y: Double) in
                let placed = nodes[node]
                if placed.isDummy { return (placed.x, placed.y) }
                return (step == 0 ? placed.x + placed.width : placed.x, placed.y)
            }
            if backEdge[index] { points.reverse() }
            routes.append(Route(edge: valid[index].original, points: points))
        }
    }
}
