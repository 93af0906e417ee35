//go:build race

package mapping_test

const raceEnabled = true
