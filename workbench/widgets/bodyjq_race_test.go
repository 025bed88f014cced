//go:build race

package widgets

// raceStride: under the race detector the property tests run one program
// in raceStride per body (they run whole without it).
const raceStride = 5
