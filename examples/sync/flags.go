package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/qooper/hrsync/examples/internal/services"
	"github.com/qooper/hrsync/mapping"
)

// options are the command-line settings of one run.
type options struct {
	dryRun      bool
	check       bool
	reportPath  string
	mappingPath string
	// mapper is the mapping of -mapping, or the default mapping.
	mapper *mapping.Mapping
	// allowance is the -allow-deactivations count, or -1 when the flag is
	// not given.
	allowance int
	// asOf is the -as-of date, or "" for today.
	asOf     string
	location *time.Location
	verbose  bool
}

// countValue is a flag that takes a whole number of 0 or more.
type countValue struct{ n *int }

func (v countValue) String() string {
	if v.n == nil || *v.n < 0 {
		return ""
	}
	return strconv.Itoa(*v.n)
}

func (v countValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return errors.New("want a whole number of people, 0 or more")
	}
	*v.n = n
	return nil
}

// dateValue is a flag that takes a civil date written YYYY-MM-DD.
type dateValue struct{ date *string }

func (v dateValue) String() string {
	if v.date == nil {
		return ""
	}
	return *v.date
}

func (v dateValue) Set(s string) error {
	s = strings.TrimSpace(s)
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return errors.New("want a valid date written YYYY-MM-DD")
	}
	*v.date = s
	return nil
}

// locationValue is a flag that takes an IANA time zone name.
type locationValue struct{ location **time.Location }

func (v locationValue) String() string {
	if v.location == nil || *v.location == nil {
		return ""
	}
	return (*v.location).String()
}

func (v locationValue) Set(s string) error {
	s = strings.TrimSpace(s)
	// "Local" depends on the machine and "" means UTC to LoadLocation, so
	// neither names a time zone on purpose.
	if s == "" || s == "Local" {
		return errors.New("want an IANA time zone name such as Europe/London or UTC")
	}
	location, err := time.LoadLocation(s)
	if err != nil {
		return errors.New("unknown time zone, want an IANA name such as Europe/London or UTC")
	}
	*v.location = location
	return nil
}

// newFlagSet returns the flag set of the command, bound to opts.
func newFlagSet(opts *options) *flag.FlagSet {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&opts.dryRun, "dry-run", false, "plan and print the changes, write nothing to Qooper")
	fs.BoolVar(&opts.check, "check", false, "check the credentials, the HiBob permissions and the mapping, write nothing, and exit")
	fs.StringVar(&opts.reportPath, "report", "", "write the report of the run as JSON to `FILE` (the plan, in a dry run)")
	fs.StringVar(&opts.mappingPath, "mapping", "", "read the mapping rules from the JSON `FILE` (default: the built-in mapping)")
	fs.Var(countValue{&opts.allowance}, "allow-deactivations", "let this run deactivate up to `N` people even when the guard would hold them")
	fs.Var(dateValue{&opts.asOf}, "as-of", "use the civil date `YYYY-MM-DD` as today in the rules (default: today in -timezone)")
	fs.Var(locationValue{&opts.location}, "timezone", "take today in the IANA time zone `Area/City`")
	fs.BoolVar(&opts.verbose, "v", false, "write debug logs to stderr")
	return fs
}

// printUsage writes the help text of the command to w.
func printUsage(w io.Writer) {
	fs := newFlagSet(&options{allowance: -1, location: time.UTC})
	fmt.Fprintf(w, `Usage: sync [flags]

Sync runs one sync from HiBob to Qooper and prints the plan and a report.

Live mode starts when any of these environment variables is set:
  %s
It needs all of them but HIBOB_ENVIRONMENT (production or sandbox,
default production) and HIBOB_BASE_URL (overrides the environment's URL).
With none of them set, sync runs a demo on an in-process fake HiBob,
seeded with a sample company, and a fake Qooper.

Exit status: 0 every change applied, 1 fatal error, 2 usage error,
3 finished with failed or held changes (or -check found problems).

Flags:
`, strings.Join(services.LiveVariables, "\n  "))
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// parseOptions parses the command line. It returns flag.ErrHelp for -h,
// and a *services.UsageError for any other invalid input, including a
// mapping file that cannot be read or compiled.
func parseOptions(args []string) (*options, error) {
	opts := &options{allowance: -1, location: time.UTC}
	fs := newFlagSet(opts)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, services.Usagef("%v (run sync -h for the flags)", err)
	}
	if fs.NArg() > 0 {
		return nil, services.Usagef("unexpected argument %q: sync takes flags only (run sync -h for the flags)", fs.Arg(0))
	}
	if opts.check && opts.reportPath != "" {
		return nil, services.Usagef("-report does not apply to -check, which writes nothing: remove one of them")
	}

	if opts.reportPath != "" {
		if err := checkReportDirectory(opts.reportPath); err != nil {
			return nil, err
		}
	}

	opts.mapper = mapping.Default()
	if opts.mappingPath != "" {
		mapper, err := readMapping(opts.mappingPath)
		if err != nil {
			return nil, err
		}
		opts.mapper = mapper
	}
	return opts, nil
}

// checkReportDirectory fails early when the report could not be written,
// so that a run never applies changes and then loses their report.
func checkReportDirectory(path string) error {
	info, err := os.Stat(filepath.Dir(path))
	if err != nil || !info.IsDir() {
		return services.Usagef("invalid -report %q: directory %q does not exist", path, filepath.Dir(path))
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return services.Usagef("invalid -report %q: it is a directory, name a file", path)
	}
	return nil
}

// readMapping reads and compiles a JSON mapping document.
func readMapping(path string) (*mapping.Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, services.Usagef("cannot read mapping file: %v", err)
	}
	mapper, err := mapping.ParseJSON(data)
	if err != nil {
		return nil, services.Usagef("invalid mapping file %s: %v", path, err)
	}
	return mapper, nil
}
