/// Resolves a song's `pick` (DESIGN §8) against its generations in the ledger.
public enum TakePicks {
    /// The event that records the take `song`'s pick names in `ledger`: nil when the song has no generation yet
    /// or the ledger records that take already; a sentence when the pick names a take the song does not have.
    public static func change(for song: Song, in ledger: Ledger) -> Result<LedgerEvent?, RequestNotBuilt> {
        guard let record = ledger[job: song.id] else { return .success(nil) }
        switch record.take(song.pick) {
        case .success(let found):
            guard record.pick != found.reference else { return .success(nil) }
            return .success(.takePicked(job: song.id, pick: found.reference))
        case .failure(.noGeneration):
            return .success(nil)
        case .failure(.noSuchGeneration(let asked, let generations)):
            return .failure(
                RequestNotBuilt(
                    job: song.id,
                    message: "Song '\(song.id)' picks \(song.pick), but it has \(generations) "
                        + "generation\(generations == 1 ? "" : "s") so far, not \(asked). Pick one that exists, or "
                        + "re-roll the song with setlist run --force \(song.id)."))
        case .failure(.noSuchTake(let reference, 0)):
            return .failure(
                RequestNotBuilt(
                    job: song.id,
                    message: "Song '\(song.id)' picks \(reference), but the ledger holds no takes of that generation "
                        + "(ledgers written before format 2 kept only the newest generation's takes). Pick a take of a "
                        + "later generation."))
        case .failure(.noSuchTake(let reference, let takes)):
            return .failure(
                RequestNotBuilt(
                    job: song.id,
                    message: "Song '\(song.id)' picks \(reference), but the provider answered that generation with "
                        + "\(takes) take\(takes == 1 ? "" : "s"). Pick a take that exists, or re-roll the song with "
                        + "setlist run --force \(song.id)."))
        }
    }
}
