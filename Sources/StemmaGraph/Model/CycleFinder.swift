/// Finds dependency cycles with an iterative depth-first search (no recursion, so deep chains cannot overflow the
/// stack), reporting each cycle once as the nodes along it. Name-level ↔ version links are not followed, since
/// they are identity, not dependency.
struct CycleFinder {
    let graph: Graph
    var limit = 100

    func cycles() -> [[Int32]] {
        var state = [UInt8](repeating: 0, count: graph.nodes.count)  // 0 new, 1 on stack, 2 done
        var found: [[Int32]] = []
        for start in 0..<graph.nodes.count where state[start] == 0 {
            var stack: [(node: Int32, next: Int)] = [(Int32(start), 0)]
            state[start] = 1
            while let top = stack.last {
                let edges = graph.forward(top.node)
                if top.next < edges.count {
                    stack[stack.count - 1].next += 1
                    let edge = edges[top.next]
                    guard edge.relation != .anyVersion else { continue }
                    switch state[Int(edge.node)] {
                    case 0:
                        state[Int(edge.node)] = 1
                        stack.append((edge.node, 0))
                    case 1:
                        if found.count < limit, let position = stack.firstIndex(where: { $0.node == edge.node }) {
                            found.append(stack[position...].map(\.node) + [edge.node])
                        }
                    default:
                        break
                    }
                } else {
                    state[Int(top.node)] = 2
                    stack.removeLast()
                }
            }
        }
        return found
    }
}
