/// One take of one generation of a song (DESIGN §8): `generation` counts the song's completed attempts from 1,
/// `take` the results the provider answered that attempt with, from 1.
public struct TakeRef: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The generation: the song's completed attempts, oldest first, numbered from 1.
    public var generation: Int
    /// The take within the generation, in the provider's order, from 1.
    public var take: Int

    /// Creates a reference.
    public init(generation: Int, take: Int) {
        self.generation = generation
        self.take = take
    }

    /// `take 2 of generation 1`.
    public var description: String { "take \(take) of generation \(generation)" }
}

/// How a manifest names a take: `pick: 2` or `take: 2` follows take 2 of the song's newest generation;
/// `{generation: 1, take: 2}` pins one take for good, whatever later re-rolls bring.
public enum TakeChoice: Sendable, Hashable, CustomStringConvertible {
    /// Take `take` of the newest generation.
    case newest(take: Int)
    /// One take of one generation.
    case pinned(TakeRef)

    /// A song's pick when the manifest names none: take 1 of the newest generation.
    public static let defaultPick = TakeChoice.newest(take: 1)

    /// Whether the choice follows the newest generation, so that a re-roll changes what it names.
    public var followsNewest: Bool {
        if case .newest = self { return true }
        return false
    }

    /// `take 1 of the newest generation`, or `take 2 of generation 1`.
    public var description: String {
        switch self {
        case .newest(let take): "take \(take) of the newest generation"
        case .pinned(let reference): reference.description
        }
    }
}
