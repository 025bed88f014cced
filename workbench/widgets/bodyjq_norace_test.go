//go:build !race

package widgets

const raceStride = 1
