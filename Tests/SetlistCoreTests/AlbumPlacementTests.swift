import Foundation
import SetlistCore
import Testing

@Suite struct AlbumPlacementTests {
    private static func placement(
        _ manifest: String, ledger: String, output: String = "/albums/out/a",
        locations: OutputLocations = OutputLocations()
    ) -> AlbumPlacement {
        AlbumPlacement(
            manifestPath: (manifest as NSString).lastPathComponent, manifestFile: manifest, ledger: ledger,
            outputDirectory: output, locations: locations)
    }

    @Test(arguments: [
        ("/albums/a.yaml", "/albums/a.ledger.json", "a.yaml"),
        ("/albums/a.yaml", "/albums/ledgers/a.ledger.json", "../a.yaml"),
        ("/albums/rock/a.yaml", "/albums/shared.ledger.json", "rock/a.yaml"),
        ("/albums/rock/a.yaml", "/ledgers/x.json", "../albums/rock/a.yaml"),
    ])
    func theLedgerNamesItsManifestRelativeToItsFolder(manifest: String, ledger: String, name: String) {
        #expect(Self.placement(manifest, ledger: ledger).nameInLedger == name)
    }

    @Test func aLedgerOfAnotherManifestIsRefused() {
        let placement = Self.placement("/albums/b.yaml", ledger: "/albums/shared.ledger.json")
        #expect(placement.ownershipRefusal(recorded: nil) == nil)
        #expect(placement.ownershipRefusal(recorded: "b.yaml") == nil)
        let refusal = placement.ownershipRefusal(recorded: "a.yaml")
        #expect(refusal?.hasPrefix("the ledger /albums/shared.ledger.json belongs to the manifest a.yaml") == true)
        #expect(refusal?.contains("--adopt-ledger") == true)
    }

    @Test func aLedgerElsewhereWrittenBeforeRelativeNamesStillMatchesByFileName() {
        let placement = Self.placement("/albums/rock/b.yaml", ledger: "/ledgers/b.ledger.json")
        #expect(placement.ownershipRefusal(recorded: "b.yaml") == nil)
        #expect(placement.ownershipRefusal(recorded: "../albums/pop/b.yaml") != nil)
    }

    @Test func sharedLedgersAndFoldersAreLocatedErrorsNamingBoth() {
        let a = Self.placement(
            "/x/a.yaml", ledger: "/x/shared.json", output: "/x/out/night-drive",
            locations: OutputLocations(directory: .init(line: 2, column: 8), ledger: .init(line: 4, column: 11)))
        let b = Self.placement(
            "/x/b.yaml", ledger: "/x/shared.json", output: "/x/out/night-drive",
            locations: OutputLocations(directory: .init(line: 3, column: 8), ledger: .init(line: 5, column: 11)))
        let c = Self.placement("/x/c.yaml", ledger: "/x/c.json", output: "/x/out/c")
        let diagnostics = AlbumPlacement.sharingDiagnostics([a, b, c, a])
        #expect(diagnostics.map(\.count) == [2, 2, 0, 2])
        #expect(diagnostics[0].map(\.location) == [.init(line: 4, column: 11), .init(line: 2, column: 8)])
        #expect(diagnostics[0].allSatisfy { $0.message.contains("b.yaml (line ") })
        #expect(diagnostics[1].allSatisfy { $0.message.contains("a.yaml (line ") })
    }
}

@Suite struct AlbumSlugTests {
    private static func slug(_ album: String) throws -> String {
        let text = "setlist: 1\nalbum: \"\(album)\"\nsongs:\n  - id: a\n    prompt: x\n"
        return try #require(ManifestLoader.load(text: text, manifestFileName: "a.yaml") { _ in "" }.manifest).albumSlug
    }

    @Test(arguments: [
        ("東京", "dong-jing"), ("Москва", "moskva"), ("夜のドライブ", "yenodoraibu"), ("Ærø", "aero"),
        ("Sommerträume!", "sommertraume"),
    ])
    func nonASCIINamesAreTransliterated(album: String, slug: String) throws {
        #expect(try Self.slug(album) == slug)
    }

    @Test func namesWithNothingToTransliterateStayApart() throws {
        let moon = try Self.slug("🌙🚗")
        let city = try Self.slug("🌃🚙")
        #expect(moon.hasPrefix("album-") && moon.count == "album-".count + 8)
        #expect(city.hasPrefix("album-") && moon != city)
        #expect(try Self.slug("🌙🚗") == moon)
    }
}
