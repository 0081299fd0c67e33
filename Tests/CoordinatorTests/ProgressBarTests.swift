import Foundation
import Synchronization
import Testing

@testable import Coordinator

/// The progress display as a value: what it renders for given counts and instants, and when.
@Suite(.timeLimit(.minutes(5))) struct ProgressBarTests {
    let t0 = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int64(seconds * 1000)) }

    func bar(_ total: Int?, unit: ProgressUnit = .items("users"), mode: ProgressMode = .bar, initial: Int = 0)
        -> ProgressBar
    {
        ProgressBar(label: "generate", total: total, unit: unit, mode: mode, start: t0, initial: initial)
    }

    @Test func barLineShowsBarCountsPercentRateAndETA() {
        var progress = bar(20_000)
        #expect(
            progress.update(10_000, at: at(2))
                == .redraw(
                    "generate [############------------] 10,000/20,000 users 50.0% 5,000/s ETA 0:02"))
        progress.columns = 200
        #expect(
            progress.barLine(at: at(2)).contains(
                "[" + String(repeating: "#", count: 12)
                    + String(repeating: "-", count: 12) + "]"))
        #expect(
            progress.update(20_000, at: at(4))
                == .redraw("generate [########################] 20,000/20,000 users 100.0% 5,000/s ETA 0:00"))
    }

    @Test func rateAndETAWaitForTimeBehindThem() {
        let empty = "generate [" + String(repeating: "-", count: 24) + "] "
        var progress = bar(1000)
        #expect(progress.update(10, at: at(0.1)) == .redraw(empty + "10/1,000 users 1.0% --/s ETA --"))
        progress = bar(1000)
        #expect(progress.update(0, at: at(3)) == .redraw(empty + "0/1,000 users 0.0% 0.0/s ETA --"))
    }

    @Test func unknownTotalShowsCountRateAndElapsedTime() {
        var progress = ProgressBar(label: "ingest", total: nil, unit: .bytes, mode: .bar, start: t0)
        progress.detail = "3 rows"
        #expect(progress.update(1 << 20, at: at(2)) == .redraw("ingest 1.00 MiB 512.0 KiB/s 0:02 · 3 rows"))
        var plain = ProgressBar(label: "ingest", total: nil, unit: .bytes, mode: .plain, start: t0)
        #expect(plain.update(1 << 20, at: at(5)) == .line("ingest: 1.00 MiB, 204.8 KiB/s, 0:05 elapsed"))
    }

    @Test func rateLeavesOutWhatWasDoneBeforeTheStart() {
        var progress = ProgressBar(
            label: "iteration 2 · label", total: 400, unit: .items("jobs"), mode: .bar,
            start: t0, initial: 100)
        // 23 columns of bar are left at 80: 17 of them done.
        #expect(
            progress.update(300, at: at(100))
                == .redraw(
                    "iteration 2 · label [#################------] 300/400 jobs 75.0% 2.0/s ETA 0:50"))
        #expect(progress.finish(at: at(200)) == .finish("iteration 2 · label: 300/400 jobs in 200.0 s (1.0/s)"))
    }

    @Test func barRedrawsAtMostTenTimesASecond() {
        var progress = bar(100)
        #expect(progress.update(1, at: at(0)) != nil)  // the first draw is immediate
        #expect(progress.update(2, at: at(0.05)) == nil)
        #expect(progress.update(3, at: at(0.099)) == nil)
        #expect(progress.update(4, at: at(0.1)) != nil)
        #expect(progress.update(5, at: at(0.15)) == nil)
        #expect(progress.done == 5)  // throttled updates still count
        #expect(progress.update(6, at: at(0.2)).map { "\($0)".contains("6/100") } == true)
    }

    @Test func plainLinesComeEveryFiveSecondsWithoutEscapes() {
        var progress = bar(20_000, mode: .plain)
        #expect(progress.update(100, at: at(0)) == nil)  // short steps print only their final line
        #expect(progress.update(1000, at: at(4.9)) == nil)
        let first = progress.update(5000, at: at(5))
        #expect(first == .line("generate: 5,000/20,000 users (25.0%), 1,000/s, ETA 0:15"))
        #expect(progress.update(6000, at: at(9.9)) == nil)
        #expect(
            progress.update(10_000, at: at(10))
                == .line("generate: 10,000/20,000 users (50.0%), 1,000/s, ETA 0:10"))
        let final = progress.finish(at: at(20))
        #expect(final == .finish("generate: 10,000/20,000 users in 20.0 s (500/s)"))
        for output in [first, final] {
            let text = "\(output!)"
            #expect(!text.contains("\r") && !text.contains("\u{1B}"))
        }
    }

    @Test func finalLineComesOnceAndEndsTheDisplay() {
        var progress = bar(20_000)
        progress.detail = "612,345 purchase rows"
        _ = progress.update(20_000, at: at(1))
        #expect(
            progress.finish(at: at(4))
                == .finish("generate: 20,000 users in 4.00 s (5,000/s) · 612,345 purchase rows"))
        #expect(progress.finish(at: at(5)) == nil)
        #expect(progress.update(1, at: at(6)) == nil)
        var nothingDone = bar(nil, unit: .items("jobs"))
        #expect(nothingDone.finish(at: at(0)) == .finish("generate: 0 jobs in 0.00 s"))
    }

    @Test func offModeSaysNothing() {
        var progress = bar(10, mode: .off)
        #expect(progress.update(5, at: at(10)) == nil)
        #expect(progress.finish(at: at(20)) == nil)
    }

    @Test func detailGivesWayBeforeTheBarNarrows() {
        var progress = bar(60_000)
        progress.detail = "1,049,219 rows"
        _ = progress.update(30_000, at: at(2))
        let half = String(repeating: "#", count: 12) + String(repeating: "-", count: 12)
        progress.columns = 120
        #expect(
            progress.barLine(at: at(2))
                == "generate [\(half)] 30,000/60,000 users 50.0% 15,000/s ETA 0:02 · 1,049,219 rows")
        progress.columns = 80
        #expect(progress.barLine(at: at(2)) == "generate [\(half)] 30,000/60,000 users 50.0% 15,000/s ETA 0:02")
    }

    @Test func lineFitsTheTerminal() {
        var progress = bar(20_000)
        progress.columns = 60  // no room for the widest bar: a narrower one
        let narrow = progress.barLine(at: at(2))
        #expect(narrow == "generate [" + String(repeating: "-", count: 15) + "] 0/20,000 users 0.0% 0.0/s ETA --")
        #expect(narrow.count == 59)
        progress.columns = 50  // no room for a bar at all
        #expect(progress.barLine(at: at(2)) == "generate 0/20,000 users 0.0% 0.0/s ETA --")
        progress.label = String(repeating: "x", count: 100)
        let cut = progress.barLine(at: at(2))
        #expect(cut.count == 49 && cut.hasSuffix("…"))
    }

    @Test func clockAndByteFormats() {
        #expect(ProgressBar.clock(0) == "0:00")
        #expect(ProgressBar.clock(59.6) == "1:00")
        #expect(ProgressBar.clock(3725) == "1:02:05")
        #expect(Console.bytes(512) == "512 B")
        #expect(Console.bytes(1536) == "1.50 KiB")
        #expect(Console.bytes(12_900_000) == "12.3 MiB")
        #expect(Console.bytes(3 << 30) == "3.00 GiB")
        #expect(ProgressUnit.items("").rate(2.25) == "2.2/s" || ProgressUnit.items("").rate(2.25) == "2.3/s")
        #expect(ProgressUnit.items("").rate(12_345.6) == "12,345/s")
    }
}

/// Which mode a process gets from its environment and standard error.
@Suite(.timeLimit(.minutes(5))) struct ProgressModeTests {
    @Test func terminalGetsTheBarPipesGetPlainLines() {
        #expect(ProgressMode.resolve(environment: ["TERM": "xterm"], standardErrorIsTerminal: true).mode == .bar)
        #expect(ProgressMode.resolve(environment: [:], standardErrorIsTerminal: true).mode == .bar)
        #expect(ProgressMode.resolve(environment: ["TERM": "dumb"], standardErrorIsTerminal: true).mode == .plain)
        #expect(ProgressMode.resolve(environment: ["TERM": "xterm"], standardErrorIsTerminal: false).mode == .plain)
    }

    @Test func environmentForcesAModeOrIsIgnoredWithAWarning() {
        let off = ProgressMode.resolve(
            environment: ["GPLR_PROGRESS": "off", "TERM": "xterm"], standardErrorIsTerminal: true)
        #expect(off.mode == .off && off.problem == nil)
        let forcedBar = ProgressMode.resolve(environment: ["GPLR_PROGRESS": "Bar"], standardErrorIsTerminal: false)
        #expect(forcedBar.mode == .bar)
        let forcedPlain = ProgressMode.resolve(environment: ["GPLR_PROGRESS": "plain"], standardErrorIsTerminal: true)
        #expect(forcedPlain.mode == .plain)
        let bad = ProgressMode.resolve(environment: ["GPLR_PROGRESS": "fancy"], standardErrorIsTerminal: false)
        #expect(bad.mode == .plain)
        #expect(bad.problem?.contains("GPLR_PROGRESS=fancy") == true)
    }
}

/// Standard error with a live line: messages go above it, the final line replaces it.
@Suite(.timeLimit(.minutes(5))) struct StatusLineTests {
    @Test func messagesStayAboveTheLiveLine() {
        let written = Mutex<[String]>([])
        let line = StatusLine { text in written.withLock { $0.append(text) } }
        line.message("starting")
        line.perform(.redraw("bar 1"))
        line.perform(.redraw("bar 2"))
        line.message("a dead letter")
        line.suspended { written.withLock { $0.append("<stdout row>\n") } }
        line.perform(.finish("done"))
        line.message("after")
        let clear = StatusLine.clearLine
        #expect(
            written.withLock { $0 } == [
                "starting\n", clear + "bar 1", clear + "bar 2", clear + "a dead letter\n" + "bar 2",
                clear, "<stdout row>\n", "bar 2", clear + "done\n", "after\n",
            ])
    }

    @Test func plainLinesNeverCarryEscapes() {
        let written = Mutex<String>("")
        let line = StatusLine { text in written.withLock { $0 += text } }
        line.perform(.line("generate: 1/2 users"))
        line.message("note")
        line.perform(.finish("generate: 2 users in 1.00 s"))
        #expect(written.withLock { $0 } == "generate: 1/2 users\nnote\ngenerate: 2 users in 1.00 s\n")
    }

    @Test func reporterFedFromConcurrentTasksCountsEverything() async {
        let written = Mutex<String>("")
        let line = StatusLine { text in written.withLock { $0 += text } }
        let reporter = ProgressReporter("work", total: 8000, unit: .items("steps"), mode: .bar, line: line)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<1000 { reporter.advance() } }
            }
        }
        reporter.finish()
        reporter.finish()
        // However many redraws there were (it depends on timing), each replaced the last, and the final line
        // ends the display with the full count.
        let text = written.withLock { $0 }
        let final = text.components(separatedBy: StatusLine.clearLine).last ?? ""
        #expect(final.hasPrefix("work: 8,000 steps in ") && final.hasSuffix("\n"), "\(text)")
        #expect(text.filter { $0 == "\n" }.count == 1, "\(text)")
    }
}
