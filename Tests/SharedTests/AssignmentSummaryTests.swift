import Testing

@testable import GPLRCore

/// The finished run's summary: each inferred user's top affinity in fixed log bins, and persona co-occurrence in Φ.
@Suite struct AssignmentSummaryTests {
    @Test func histogramCountsInferredUsersAndCoOccurrenceCountsPairsInPhi() throws {
        // 5 users, 3 personas. User 0 is a prototype (labels 0 and 2); user 4 is unreachable.
        let values: [Double] = [
            0.9, 0, 0.5,  // prototype: not in the histogram
            0.02, 0.3, 0,  // top 0.3 → [0.1, 0.316): bin 11
            2e-7, 0, 1e-7,  // top 2e-7 → below 1e-6: bin 0
            0, 0.0004, 0.0001,  // top 4e-4 → [3.16e-4, 1e-3)
            0, 0, 0,  // unreachable
        ]
        let affinity = try AffinityMatrix(userCount: 5, personaCount: 3, personas: [0, 1, 2], values: values)
        let labels = try PrototypeLabels(personaCount: 3, labels: [0: [0, 2]])
        let assignment = try PersonaAssignment(affinity: affinity, labels: labels, k: 2)
        let summary = AssignmentSummary(
            assignment: assignment, affinity: affinity, labels: labels, personaNames: ["A", "B", "C"])

        let histogram = summary.topAffinity
        #expect(histogram.edges.count == 62 && histogram.edges.first == 0 && histogram.edges.last == 1)
        #expect(histogram.users == 3 && histogram.counts.reduce(0, +) == 3)
        #expect(histogram.counts[0] == 1)
        #expect(histogram.counts[AssignmentSummary.Histogram.bin(of: 0.3, edges: histogram.edges)] == 1)
        #expect(AssignmentSummary.Histogram.bin(of: 0.3, edges: histogram.edges) == 55)
        #expect(AssignmentSummary.Histogram.bin(of: 4e-4, edges: histogram.edges) == 27)
        #expect(AssignmentSummary.Histogram.bin(of: 1, edges: histogram.edges) == 60)
        #expect(AssignmentSummary.Histogram.bin(of: 0, edges: histogram.edges) == 0)

        // Φ: u0 {A, C}, u1 {B, A}, u2 {A, C}, u3 {B, C}, u4 {}.
        let co = summary.coOccurrence
        #expect(co.personas == ["A", "B", "C"] && co.omittedPersonas == 0)
        #expect(co.users == [[3, 1, 2], [1, 2, 1], [2, 1, 3]])
    }

    @Test func coOccurrenceKeepsTheMostCommonPersonasWhenRIsLarge() throws {
        let width = AssignmentSummary.CoOccurrence.maxPersonas + 10
        // User u has persona u % width (and persona 0 too for every third user): persona 0 is the most common.
        let users = 3 * width
        var labels: [Int: [Int]] = [:]
        for user in 0..<users {
            labels[user] = user % 3 == 0 && user % width != 0 ? [0, user % width] : [user % width]
        }
        let prototypes = try PrototypeLabels(personaCount: width, labels: labels)
        let affinity = try AffinityMatrix(zerosForUsers: users, personaCount: width)
        let assignment = try PersonaAssignment(affinity: affinity, labels: prototypes, k: 1)
        let summary = AssignmentSummary(
            assignment: assignment, affinity: affinity, labels: prototypes,
            personaNames: (0..<width).map { "P\($0)" })
        let co = summary.coOccurrence
        #expect(co.personas.count == AssignmentSummary.CoOccurrence.maxPersonas && co.omittedPersonas == 10)
        #expect(co.personas.first == "P0" && co.users.count == co.personas.count)
        #expect(co.users[0][0] == labels.values.filter { $0.contains(0) }.count)
        #expect(summary.topAffinity.users == 0)
    }
}
