import Foundation
import SetlistCore

/// What a simulator must remember so that a later simulator honours references to it: every task (songs with their
/// results, personas with their ids, their timing) and every idempotency record. `run --simulate` saves it beside
/// its ledger, so a simulated album resumes like a real one: a persona derived from a song of an earlier run, a
/// song sung with an earlier persona, a task still running when a run was interrupted, a replayed submission.
struct SavedSimulatorState: Codable {
    /// The format of this file; a simulator refuses formats it does not know.
    var format: Int
    /// The simulated second at which the state was saved; a restoring simulator resumes its tasks from there.
    var savedAt: Double
    /// The tasks, in creation order, without their owner's key.
    var tasks: [SimTask]
    /// The idempotency records, without their owner's key.
    var replays: [SavedReplay]

    /// The format this simulator writes.
    static let currentFormat = 1
}

/// One idempotency record in a saved state.
struct SavedReplay: Codable {
    var idempotencyKey: String
    var record: IdempotencyRecord
}

/// A JSON value saved as its compact text, the form saved states have always had.
@propertyWrapper
struct SavedAsJSONText: Sendable, Codable {
    /// The value.
    var wrappedValue: JSONValue

    /// Wraps `wrappedValue`.
    init(wrappedValue: JSONValue) {
        self.wrappedValue = wrappedValue
    }

    /// Reads a value saved as its JSON text.
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = JSONValue.parse(Array(text.utf8)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "The text is not JSON.")
        }
        wrappedValue = value
    }

    /// Saves the value as its JSON text.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue.compact)
    }
}

extension SimulatorCore {
    /// The tasks created from the `start`-th on (in creation order) and their idempotency records, as one line of
    /// sorted-key JSON (no line break inside); owner keys are left out. `end` is how many tasks there are now.
    /// From 0 it is the whole state.
    func savedState(tasksFrom start: Int = 0) -> (data: Data, end: Int) {
        let now = clock.seconds
        let (saved, end) = state.withLock { state in
            let tasks = state.store.order.dropFirst(start).compactMap { state.store.task($0) }
            let replays: [SavedReplay]
            if start == 0 {
                replays = state.store.idempotency.sorted { $0.key < $1.key }.map { key, record in
                    SavedReplay(idempotencyKey: String(key.split(separator: "\u{0}").last ?? ""), record: record)
                }
            } else {
                replays = tasks.compactMap { task in
                    task.idempotencyKey.flatMap { key in
                        state.store.idempotencyRecord(ownerKey: task.ownerKey, idempotencyKey: key)
                            .map { SavedReplay(idempotencyKey: key, record: $0) }
                    }
                }
            }
            let saved = SavedSimulatorState(
                format: SavedSimulatorState.currentFormat, savedAt: now,
                tasks: tasks.map { task in
                    var task = task
                    task.ownerKey = ""
                    return task
                },
                replays: replays)
            return (saved, state.store.order.count)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return ((try? encoder.encode(saved)) ?? Data(), end)
    }

    /// Adds the tasks and idempotency records of `data` (from ``savedState()``), owned by this simulator's first
    /// key. The time between the save and now does not count: a task that was half done is half done.
    /// `data` may hold several lines, each a ``savedState(tasksFrom:)``, applied in order.
    func restoreState(_ data: Data) throws(SimulatorConfigurationError) {
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == UInt8(ascii: " ") }) {
            try restoreLine(Data(line))
        }
    }

    private func restoreLine(_ data: Data) throws(SimulatorConfigurationError) {
        let saved: SavedSimulatorState
        do {
            saved = try JSONDecoder().decode(SavedSimulatorState.self, from: data)
        } catch {
            throw SimulatorConfigurationError("The saved simulator state is not valid: \(error).")
        }
        guard saved.format == SavedSimulatorState.currentFormat else {
            throw SimulatorConfigurationError(
                "The saved simulator state has format \(saved.format); this version reads format "
                    + "\(SavedSimulatorState.currentFormat).")
        }
        let owner = configuration.apiKeys.first ?? ""
        let shift = clock.seconds - saved.savedAt
        state.withLock { state in
            for var task in saved.tasks where !state.store.contains(task.id) {
                task.ownerKey = owner
                task.createdAt += shift
                state.store.insert(task)
            }
            for replay in saved.replays {
                state.store.storeIdempotency(replay.record, ownerKey: owner, idempotencyKey: replay.idempotencyKey)
            }
        }
    }
}
