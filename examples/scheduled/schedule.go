package main

import (
	"fmt"
	"strings"
	"time"
)

// Frequency is how often a Schedule fires.
type Frequency string

// Frequencies of a Schedule.
const (
	Daily  Frequency = "daily"
	Weekly Frequency = "weekly"
)

// Schedule is a time of day, daily or on one weekday, in a time zone.
type Schedule struct {
	Frequency Frequency
	// Hour (0–23) and Minute (0–59) are the wall-clock time in Location.
	Hour, Minute int
	// Weekday is the day of a Weekly schedule.
	Weekday  time.Weekday
	Location *time.Location
}

// Next returns the first scheduled time strictly after t.
//
// A wall-clock time that a daylight saving change skips is normalized by
// time.Date, so that run moves by the size of the change. A time that
// occurs twice, when clocks go back, fires once.
func (s Schedule) Next(t time.Time) time.Time {
	local := t.In(s.Location)
	for day := 0; ; day++ {
		candidate := time.Date(local.Year(), local.Month(), local.Day()+day, s.Hour, s.Minute, 0, 0, s.Location)
		if !candidate.After(t) {
			continue
		}
		if s.Frequency == Weekly && candidate.Weekday() != s.Weekday {
			continue
		}
		return candidate
	}
}

// String describes the schedule, such as "weekly on Monday at 02:30
// Europe/London".
func (s Schedule) String() string {
	on := ""
	if s.Frequency == Weekly {
		on = " on " + s.Weekday.String()
	}
	return fmt.Sprintf("%s%s at %02d:%02d %s", s.Frequency, on, s.Hour, s.Minute, s.Location)
}

// ParseSchedule builds a Schedule from its text settings: frequency
// "daily" or "weekly", a 24-hour time "HH:MM", a weekday name such as
// "monday" or "mon" (used by weekly schedules only) and an IANA time zone
// name. Each error names the flag and the environment variable to fix.
func ParseSchedule(frequency, timeOfDay, weekday, timezone string) (Schedule, error) {
	var s Schedule
	switch Frequency(strings.ToLower(strings.TrimSpace(frequency))) {
	case Daily:
		s.Frequency = Daily
	case Weekly:
		s.Frequency = Weekly
	default:
		return Schedule{}, fmt.Errorf("invalid -schedule (or %s) %q: use daily or weekly", envSchedule, frequency)
	}

	clock, err := time.Parse("15:04", strings.TrimSpace(timeOfDay))
	if err != nil {
		return Schedule{}, fmt.Errorf("invalid -at (or %s) %q: use HH:MM on a 24-hour clock, such as 02:30", envTime, timeOfDay)
	}
	s.Hour, s.Minute = clock.Hour(), clock.Minute()

	if s.Weekday, err = parseWeekday(weekday); err != nil {
		return Schedule{}, err
	}

	name := strings.TrimSpace(timezone)
	if name == "" || name == "Local" {
		return Schedule{}, fmt.Errorf("invalid -timezone (or %s) %q: use an IANA name such as Europe/London or UTC", envTimezone, timezone)
	}
	if s.Location, err = time.LoadLocation(name); err != nil {
		return Schedule{}, fmt.Errorf("unknown -timezone (or %s) %q: use an IANA name such as Europe/London or UTC", envTimezone, timezone)
	}
	return s, nil
}

func parseWeekday(name string) (time.Weekday, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	for day := time.Sunday; day <= time.Saturday; day++ {
		full := strings.ToLower(day.String())
		if name == full || name == full[:3] {
			return day, nil
		}
	}
	return 0, fmt.Errorf("invalid -weekday (or %s) %q: use a day name such as monday", envWeekday, name)
}
