import SetlistCore

/// The files `setlist init` writes into a new album folder. The manifest is the repository's
/// `manifests/starter.yaml` (embedded by the build through `Starter/starter.yaml`, a link to it, so there is one
/// copy) under a header of its own: the schema line pointing at the schema written beside it, and the next steps.
enum AlbumScaffold {
    /// One file of the scaffold.
    struct File {
        /// The path inside the album folder.
        var path: String
        /// The file's text.
        var text: String
        /// What the file is for, as `init` lists it.
        var purpose: String
    }

    /// The manifest's name without `.yaml`, which names its ledger and page too.
    static let stem = "album"

    /// The manifest's name inside the album folder.
    static let manifestName = "\(stem).yaml"

    /// The example lyrics file's path inside the album folder.
    static let lyricsPath = "lyrics/first-light.txt"

    /// The schema's path inside the album folder, which the manifest's first line names.
    static let schemaPath = "schemas/manifest.schema.json"

    /// Every file, in the order `init` writes and lists them.
    static let files = [
        File(path: manifestName, text: manifest, purpose: "the manifest, with one song to start from"),
        File(path: lyricsPath, text: lyrics, purpose: "example lyrics for a song whose words you write"),
        File(
            path: schemaPath, text: ManifestSchema.text,
            purpose: "the manifest's schema, for editors' completion"),
        File(path: ".gitignore", text: gitignore, purpose: "what git should leave out"),
    ]

    /// The starter manifest without its leading comment lines, which speak of its place in setlist's repository.
    static let starterBody: String = {
        let starter = String(decoding: PackageResources.starter_yaml, as: UTF8.self)
        let lines = starter.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.drop { $0.hasPrefix("#") }.joined(separator: "\n")
    }()

    /// `album.yaml`: the header, then the starter.
    static let manifest = """
        # yaml-language-server: $schema=\(schemaPath)
        # A new album, made by setlist init from setlist's starter manifest. Change the album's name and the
        # song's prompt, add songs (every key: `setlist schema manifest`, or docs/MANIFEST.md in setlist's
        # repository), then, from this folder:
        #   setlist validate \(manifestName)
        #   setlist run \(manifestName) --simulate     (free, against the built-in simulator)
        #   setlist run \(manifestName)                (real, with EVOLINK_API_KEY set; every song is paid)
        # To write the words yourself, give the song a title, a style and the lyrics file instead of the prompt:
        #     title: First Light
        #     style: "indie folk, acoustic guitar, soft harmonies"
        #     lyrics_file: \(lyricsPath)
        # After upgrading setlist, `setlist schema manifest > \(schemaPath)` refreshes the schema.


        """ + starterBody

    /// `lyrics/first-light.txt`: a short lyric with the section tags the models read.
    static let lyrics = """
        [Verse]
        Frost lets go of the garden wall
        A blackbird sings before the dawn
        Open the window, let the cold air in
        The longest night is gone

        [Chorus]
        First light, first light
        Spill across the floor
        Everything we waited for
        Is standing at the door

        """

    /// `.gitignore`: what a run writes that does not belong in git. The ledger and its journal stay in: the
    /// journal holds what the snapshot does not yet (after a run that was killed), and it is empty after a run
    /// that ended.
    static let gitignore = """
        # Written by setlist init. Keep \(manifestName), lyrics/ and the ledger in git: \(stem).ledger.json and its
        # journal \(stem).ledger.json.journal, together. The ledger records every task paid for and every take; the
        # journal holds what a run that was stopped did not yet fold into it, and is empty after a run that ended.
        # Commit them when no run is going (no .lock file beside the ledger).

        # Simulated runs: their ledger, journal and lock, the simulated provider's state, their media and page.
        *.sim.ledger.json*
        *.sim.state.json
        *.sim.html
        out-sim/

        # The lock, present only while a run holds the ledger, and a temporary file a crash may leave.
        *.lock
        *.tmp

        # The paid media: large, and not for git. Back it up: once the provider's links expire (72 hours),
        # a take whose file is lost cannot be downloaded again.
        out/

        # The album page, which setlist report writes again from the ledger at any time.
        \(stem).html

        """
}
