/// Resolves a job's pick (DESIGN §8) against its generations in the ledger: a song's `pick`, an extension's
/// `pick`, and a join's one take.
public enum TakePicks {
    /// The event that records the take `song`'s pick names in `ledger`: nil when the song has no generation yet
    /// or the ledger records that take already; a sentence when the pick names a take the song does not have.
    public static func change(for song: Song, in ledger: Ledger) -> Result<LedgerEvent?, RequestNotBuilt> {
        change(job: song.id, noun: "song", choice: song.pick, in: ledger)
    }

    /// The event that records the take `job` picks, for the jobs that make takes (songs, extensions, joins);
    /// nil for the other kinds.
    public static func change(for job: JobSpec, in ledger: Ledger) -> Result<LedgerEvent?, RequestNotBuilt> {
        guard let choice = job.pickChoice else { return .success(nil) }
        return change(job: job.id, noun: job.kind == .song ? "song" : job.kind.rawValue, choice: choice, in: ledger)
    }

    private static func change(
        job: String, noun: String, choice: TakeChoice, in ledger: Ledger
    ) -> Result<LedgerEvent?, RequestNotBuilt> {
        let what = noun.prefix(1).uppercased() + noun.dropFirst() + " '\(job)'"
        guard let record = ledger[job: job] else { return .success(nil) }
        switch record.take(choice) {
        case .success(let found):
            guard record.pick != found.reference else { return .success(nil) }
            return .success(.takePicked(job: job, pick: found.reference))
        case .failure(.noGeneration):
            return .success(nil)
        case .failure(.noSuchGeneration(let asked, let generations)):
            return .failure(
                RequestNotBuilt(
                    job: job,
                    message: "\(what) picks \(choice), but it has \(generations) "
                        + "generation\(generations == 1 ? "" : "s") so far, not \(asked). Pick one that exists, or "
                        + "re-roll the \(noun) with setlist run --force \(job)."))
        case .failure(.noSuchTake(let reference, 0)):
            return .failure(
                RequestNotBuilt(
                    job: job,
                    message: "\(what) picks \(reference), but the ledger holds no takes of that generation "
                        + "(ledgers written before format 2 kept only the newest generation's takes). Pick a take of a "
                        + "later generation."))
        case .failure(.noSuchTake(let reference, let takes)):
            return .failure(
                RequestNotBuilt(
                    job: job,
                    message: "\(what) picks \(reference), but the provider answered that generation with "
                        + "\(takes) take\(takes == 1 ? "" : "s"). Pick a take that exists, or re-roll the \(noun) with "
                        + "setlist run --force \(job)."))
        }
    }
}
