/// A directed graph over job ids in manifest order, where an edge `a -> b` means "b needs a first".
/// Validation uses it to find cycles; the planner and the scheduler use its topological structure.
/// Every operation is O(nodes + edges).
public struct DependencyGraph: Sendable, Hashable {
    /// The node ids in manifest order.
    public let ids: [String]
    /// For each node index, the indices of the nodes it depends on, in the order they were added.
    public let dependencies: [[Int]]
    /// For each node index, the indices of the nodes that depend on it, ascending.
    public let dependents: [[Int]]
    private let indexByID: [String: Int]

    /// Builds a graph. `dependencies` maps an id to the ids it needs first; unknown ids and self-duplicates
    /// are ignored here (validation reports them with their locations).
    public init(ids: [String], dependencies: [String: [String]]) {
        self.ids = ids
        var indexByID: [String: Int] = [:]
        indexByID.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() where indexByID[id] == nil { indexByID[id] = index }
        var needs = Array(repeating: [Int](), count: ids.count)
        var feeds = Array(repeating: [Int](), count: ids.count)
        for (index, id) in ids.enumerated() where indexByID[id] == index {
            var seen = Set<Int>()
            for dependency in dependencies[id] ?? [] {
                guard let from = indexByID[dependency], seen.insert(from).inserted else { continue }
                needs[index].append(from)
                feeds[from].append(index)
            }
        }
        self.indexByID = indexByID
        self.dependencies = needs
        self.dependents = feeds.map { $0.sorted() }
    }

    /// The index of `id`, if it is a node.
    public func index(of id: String) -> Int? { indexByID[id] }

    /// A cycle as a path of ids that starts and ends at the same id (`[a, b, a]`), or nil when the graph is
    /// acyclic. The path follows "needs" edges, so `a -> b` reads "a needs b".
    public func findCycle() -> [String]? {
        enum Mark { case unvisited, inProgress, done }
        var marks = Array(repeating: Mark.unvisited, count: ids.count)
        for start in ids.indices where marks[start] == .unvisited {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            marks[start] = .inProgress
            while let top = stack.last {
                let needs = dependencies[top.node]
                if top.next == needs.count {
                    marks[top.node] = .done
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let child = needs[top.next]
                switch marks[child] {
                case .unvisited:
                    marks[child] = .inProgress
                    stack.append((child, 0))
                case .inProgress:
                    let path = stack.map(\.node).drop { $0 != child }.map { ids[$0] }
                    return path + [ids[child]]
                case .done:
                    continue
                }
            }
        }
        return nil
    }

    /// The nodes grouped by depth: wave 0 needs nothing, wave k needs something in wave k-1. Nil when the
    /// graph has a cycle. Within a wave, nodes keep manifest order.
    public func waves() -> [[Int]]? {
        var remaining = dependencies.map(\.count)
        var depth = Array(repeating: 0, count: ids.count)
        var queue = ids.indices.filter { remaining[$0] == 0 }
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for dependent in dependents[node] {
                depth[dependent] = max(depth[dependent], depth[node] + 1)
                remaining[dependent] -= 1
                if remaining[dependent] == 0 { queue.append(dependent) }
            }
        }
        guard queue.count == ids.count else { return nil }
        var result: [[Int]] = []
        for node in ids.indices {
            while result.count <= depth[node] { result.append([]) }
            result[depth[node]].append(node)
        }
        return result
    }
}
