import Testing

@testable import SetlistCore

@Suite("Album file names and playlist")
struct AlbumFileNameTests {
    @Test(
        "Titles become names every common file system accepts",
        arguments: [
            ("Open Road", "Open Road"),
            ("AC/DC: Live?", "AC_DC_ Live_"),
            ("  spaced \t out  ", "spaced out"),
            ("bell\u{7}ring\u{85}", "bellring"),
            ("ends with dots...", "ends with dots"),
            ("...", "Untitled"),
            ("", "Untitled"),
            ("CON", "CON_"),
            ("nul.txt", "nul_.txt"),
            ("Console", "Console"),
            ("東京 ナイト", "東京 ナイト"),
        ]
    )
    func cleanedTitles(title: String, expected: String) {
        #expect(AlbumFileName.cleaned(title) == expected)
    }

    @Test("Track names are numbered first, padded to at least two digits")
    func trackNames() {
        #expect(
            AlbumFileName.track(number: 1, digits: 1, title: "Open Road", fileExtension: "mp3") == "01 - Open Road.mp3")
        #expect(AlbumFileName.track(number: 7, digits: 3, title: "x", fileExtension: "mp3") == "007 - x.mp3")
        #expect(AlbumFileName.track(number: 2, digits: 2, title: "a/b", fileExtension: "") == "02 - a_b.bin")
    }

    @Test("A long title is cut at a character boundary within the byte limit")
    func longTitlesAreCut() {
        let title = String(repeating: "é", count: 100)
        let cleaned = AlbumFileName.cleaned(title)
        #expect(cleaned.utf8.count == AlbumFileName.titleByteLimit)
        #expect(cleaned == String(repeating: "é", count: 60))
        let emoji = String(repeating: "👩‍👩‍👧", count: 20)
        #expect(AlbumFileName.cleaned(emoji).utf8.count <= AlbumFileName.titleByteLimit)
        #expect(AlbumFileName.cleaned(emoji).allSatisfy { $0 == "👩‍👩‍👧" })
    }

    @Test("Two songs with one title still get two files")
    func sameTitleTwoFiles() {
        let first = AlbumFileName.track(number: 3, digits: 2, title: "Home", fileExtension: "mp3")
        let second = AlbumFileName.track(number: 4, digits: 2, title: "HOME", fileExtension: "mp3")
        #expect(first.lowercased() != second.lowercased())
    }

    @Test("The playlist lists tracks in order with whole seconds and artist - title")
    func playlist() {
        let text = AlbumPlaylist.render([
            .init(duration: 187.6, artist: "Mara", title: "Open Road", path: "01 - Open Road.mp3"),
            .init(duration: nil, artist: nil, title: "Two\nLines", path: "02 - Two Lines.mp3"),
        ])
        #expect(
            text == """
                #EXTM3U
                #EXTINF:188,Mara - Open Road
                01 - Open Road.mp3
                #EXTINF:-1,Two Lines
                02 - Two Lines.mp3

                """
        )
    }
}
