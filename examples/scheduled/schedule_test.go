package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustLocation(t *testing.T, name string) *time.Location {
	t.Helper()
	location, err := time.LoadLocation(name)
	require.NoError(t, err)
	return location
}

func TestScheduleNext(t *testing.T) {
	london := mustLocation(t, "Europe/London")
	utc := time.UTC
	daily := Schedule{Frequency: Daily, Hour: 2, Minute: 30, Location: utc}
	weeklyMonday := Schedule{Frequency: Weekly, Hour: 2, Minute: 30, Weekday: time.Monday, Location: utc}
	dailyLondon := Schedule{Frequency: Daily, Hour: 9, Minute: 0, Location: london}

	tests := []struct {
		name     string
		schedule Schedule
		after    time.Time
		want     time.Time
	}{
		{"daily before the time", daily, time.Date(2026, 3, 4, 1, 0, 0, 0, utc), time.Date(2026, 3, 4, 2, 30, 0, 0, utc)},
		{"daily after the time", daily, time.Date(2026, 3, 4, 3, 0, 0, 0, utc), time.Date(2026, 3, 5, 2, 30, 0, 0, utc)},
		{"daily at the time", daily, time.Date(2026, 3, 4, 2, 30, 0, 0, utc), time.Date(2026, 3, 5, 2, 30, 0, 0, utc)},
		{"daily end of month", daily, time.Date(2026, 2, 28, 12, 0, 0, 0, utc), time.Date(2026, 3, 1, 2, 30, 0, 0, utc)},
		// 2026-03-04 is a Wednesday.
		{"weekly later in the week", weeklyMonday, time.Date(2026, 3, 4, 1, 0, 0, 0, utc), time.Date(2026, 3, 9, 2, 30, 0, 0, utc)},
		{"weekly same day before", weeklyMonday, time.Date(2026, 3, 9, 1, 0, 0, 0, utc), time.Date(2026, 3, 9, 2, 30, 0, 0, utc)},
		{"weekly same day after", weeklyMonday, time.Date(2026, 3, 9, 3, 0, 0, 0, utc), time.Date(2026, 3, 16, 2, 30, 0, 0, utc)},
		{"time zone winter", dailyLondon, time.Date(2026, 1, 10, 8, 0, 0, 0, utc), time.Date(2026, 1, 10, 9, 0, 0, 0, utc)},
		{"time zone summer", dailyLondon, time.Date(2026, 7, 10, 7, 0, 0, 0, utc), time.Date(2026, 7, 10, 8, 0, 0, 0, utc)},
		{"after input zone", dailyLondon, time.Date(2026, 7, 10, 17, 30, 0, 0, mustLocation(t, "Asia/Tokyo")), time.Date(2026, 7, 11, 8, 0, 0, 0, utc)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.schedule.Next(tt.after)

			assert.True(t, tt.want.Equal(got), "got %v, want %v", got, tt.want)
		})
	}
}

func TestScheduleNextRepeatedHourFiresOnce(t *testing.T) {
	london := mustLocation(t, "Europe/London")
	// Clocks in London go back from 02:00 BST to 01:00 GMT on 2026-10-25,
	// so 01:30 happens twice that night.
	schedule := Schedule{Frequency: Daily, Hour: 1, Minute: 30, Location: london}

	first := schedule.Next(time.Date(2026, 10, 24, 12, 0, 0, 0, time.UTC))
	second := schedule.Next(first)

	assert.Equal(t, 25, first.In(london).Day())
	assert.Equal(t, 26, second.In(london).Day(), "the repeated hour fired twice: %v then %v", first, second)
}

func TestScheduleNextSkippedHour(t *testing.T) {
	london := mustLocation(t, "Europe/London")
	// Clocks in London go forward from 01:00 GMT to 02:00 BST on
	// 2026-03-29, so 01:30 does not exist that day.
	schedule := Schedule{Frequency: Daily, Hour: 1, Minute: 30, Location: london}
	after := time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC)

	got := schedule.Next(after)

	assert.True(t, got.After(after))
	assert.Equal(t, 29, got.In(london).Day(), "the run of the skipped hour moved to another day: %v", got)
	assert.Equal(t, 30, schedule.Next(got).In(london).Day())
}

func TestParseSchedule(t *testing.T) {
	s, err := ParseSchedule(" Weekly ", "07:05", "Fri", "Europe/Berlin")

	require.NoError(t, err)
	assert.Equal(t, Weekly, s.Frequency)
	assert.Equal(t, 7, s.Hour)
	assert.Equal(t, 5, s.Minute)
	assert.Equal(t, time.Friday, s.Weekday)
	assert.Equal(t, "Europe/Berlin", s.Location.String())
	assert.Equal(t, "weekly on Friday at 07:05 Europe/Berlin", s.String())
}

func TestParseScheduleErrors(t *testing.T) {
	tests := []struct {
		name                                    string
		frequency, timeOfDay, weekday, timezone string
		want                                    string
	}{
		{"frequency", "hourly", "02:00", "monday", "UTC", `invalid -schedule (or SYNC_SCHEDULE) "hourly"`},
		{"hour out of range", "daily", "24:00", "monday", "UTC", `invalid -at (or SYNC_TIME) "24:00"`},
		{"no minutes", "daily", "2", "monday", "UTC", `invalid -at (or SYNC_TIME) "2"`},
		{"weekday", "weekly", "02:00", "someday", "UTC", `invalid -weekday (or SYNC_WEEKDAY) "someday"`},
		{"time zone", "daily", "02:00", "monday", "Mars/Olympus_Mons", `unknown -timezone (or SYNC_TIMEZONE) "Mars/Olympus_Mons"`},
		{"local time zone", "daily", "02:00", "monday", "Local", `invalid -timezone (or SYNC_TIMEZONE) "Local"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSchedule(tt.frequency, tt.timeOfDay, tt.weekday, tt.timezone)

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
