package syncer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
)

// Benchmarks of the work around BenchmarkPlan, on the same sample company
// (seed 1, fixedClock): decoding the HiBob and Qooper bodies alone, a whole
// Plan call from those bodies, and applying creates under a rate limit.
// The bodies are encoded once and served in process by memoryTransport, so
// no benchmark includes network time.

const perfPageSize = 500

// perfFixture is the HiBob people-search and named-lists bodies of a
// sample company, as the HiBob fake sent them, and the Qooper user pages
// that an applied initial load of that company leaves behind.
type perfFixture struct {
	searchBody []byte
	listsBody  []byte
	userPages  [][]byte
	people     int
	users      int
}

var (
	perfFixturesMu sync.Mutex
	perfFixtures   = make(map[int]*perfFixture)
)

// loadPerfFixture builds the fixture of a company of size people once per
// test binary.
func loadPerfFixture(b *testing.B, size int) *perfFixture {
	b.Helper()
	perfFixturesMu.Lock()
	defer perfFixturesMu.Unlock()
	if f, ok := perfFixtures[size]; ok {
		return f
	}

	company := hibobtest.SampleCompanyAt(1, size, fixedClock())
	server := hibobtest.NewServer(hibobtest.WithCompany(company), hibobtest.WithRateLimit(1_000_000))
	defer server.Close()
	capture := &captureTransport{base: server.HTTPClient().Transport, bodies: make(map[string][]byte)}
	client, err := hibob.NewClient(server.Credentials(),
		hibob.WithBaseURL(server.URL()), hibob.WithHTTPClient(&http.Client{Transport: capture}), hibob.WithRateLimit(rate.Inf, 1))
	if err != nil {
		b.Fatal(err)
	}
	source := NewHiBobSource(client)
	if _, err := source.Records(b.Context(), mapping.Default().SourceFields()); err != nil {
		b.Fatal(err)
	}
	if _, err := source.Lists(b.Context(), mapping.Default().ListNames()); err != nil {
		b.Fatal(err)
	}

	_, _, users := benchInput(b, size)
	f := &perfFixture{
		searchBody: capture.bodies["/v1/people/search"],
		listsBody:  capture.bodies["/v1/company/named-lists"],
		userPages:  encodeUserPages(b, users),
		people:     len(company.People),
		users:      len(users),
	}
	perfFixtures[size] = f
	return f
}

// encodeUserPages encodes users as GET /users pages of perfPageSize, whose
// cursors are the page numbers.
func encodeUserPages(b *testing.B, users []*qooper.User) [][]byte {
	b.Helper()
	var pages [][]byte
	for start := 0; start == 0 || start < len(users); start += perfPageSize {
		page := struct {
			Data       []*qooper.User `json:"data"`
			NextCursor *string        `json:"nextCursor"`
		}{Data: users[start:min(start+perfPageSize, len(users))]}
		if page.Data == nil {
			page.Data = []*qooper.User{}
		}
		if start+perfPageSize < len(users) {
			next := strconv.Itoa(len(pages) + 1)
			page.NextCursor = &next
		}
		encoded, err := json.Marshal(page)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, encoded)
	}
	return pages
}

// captureTransport keeps the body of the last response to each path.
type captureTransport struct {
	base   http.RoundTripper
	mu     sync.Mutex
	bodies map[string][]byte
}

func (c *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.bodies[req.URL.Path] = body
	c.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// memoryTransport serves fixed JSON bodies in process: the HiBob search
// and named lists, and the Qooper user page named by the cursor.
type memoryTransport struct {
	search, lists []byte
	pages         [][]byte
}

func (m *memoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	var body []byte
	switch {
	case strings.HasSuffix(req.URL.Path, "/people/search"):
		body = m.search
	case strings.HasSuffix(req.URL.Path, "/company/named-lists"):
		body = m.lists
	case strings.HasSuffix(req.URL.Path, "/users"):
		page, _ := strconv.Atoi(req.URL.Query().Get("cursor"))
		if page >= len(m.pages) {
			return nil, fmt.Errorf("no user page %d", page)
		}
		body = m.pages[page]
	default:
		return nil, fmt.Errorf("unexpected request %s %s", req.Method, req.URL.Path)
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
		Request:    req,
	}, nil
}

// memoryClients returns a HiBob and a Qooper client whose requests
// transport serves.
func memoryClients(b *testing.B, transport http.RoundTripper) (*hibob.Client, *qooper.Client) {
	b.Helper()
	hibobClient, err := hibob.NewClient(hibob.Credentials{ServiceUserID: "SERVICE-BENCH", Token: "bench"},
		hibob.WithBaseURL("http://127.0.0.1:9/v1"),
		hibob.WithHTTPClient(&http.Client{Transport: transport}),
		hibob.WithRateLimit(rate.Inf, 1))
	if err != nil {
		b.Fatal(err)
	}
	qooperClient, err := qooper.NewClient("http://127.0.0.1:9/v1", "bench",
		qooper.WithHTTPClient(&http.Client{Transport: transport}),
		qooper.WithRateLimit(rate.Inf, 1))
	if err != nil {
		b.Fatal(err)
	}
	return hibobClient, qooperClient
}

// BenchmarkDecode measures the floor under a plan: decoding the HiBob
// people-search body and the Qooper user pages that BenchmarkPlan's inputs
// come from, through the adapters and the clients' decoders.
func BenchmarkDecode(b *testing.B) {
	for _, size := range []int{1_000, 10_000, 100_000} {
		f := loadPerfFixture(b, size)
		hibobClient, qooperClient := memoryClients(b, &memoryTransport{search: f.searchBody, lists: f.listsBody, pages: f.userPages})
		fields := mapping.Default().SourceFields()

		b.Run(fmt.Sprintf("hibob/%d", size), func(b *testing.B) {
			source := NewHiBobSource(hibobClient)
			b.SetBytes(int64(len(f.searchBody)))
			b.ReportAllocs()
			for b.Loop() {
				records, err := source.Records(b.Context(), fields)
				if err != nil || len(records) != f.people {
					b.Fatalf("decoded %d records, want %d: %v", len(records), f.people, err)
				}
			}
		})
		b.Run(fmt.Sprintf("qooper/%d", size), func(b *testing.B) {
			target := NewQooperTarget(qooperClient)
			var total int
			for _, page := range f.userPages {
				total += len(page)
			}
			b.SetBytes(int64(total))
			b.ReportAllocs()
			for b.Loop() {
				users, err := target.Users(b.Context())
				if err != nil || len(users) != f.users {
					b.Fatalf("decoded %d users, want %d: %v", len(users), f.users, err)
				}
			}
		})
	}
}

// BenchmarkPlanFromJSON measures a whole Plan call, decoding included:
// "initial" against an empty Qooper, "steady" against one that already
// matches. It reports the peak heap during the calls above the heap before
// them, and the peak of the whole heap, fixtures included, both sampled
// every millisecond. Garbage that the collector has not yet freed counts.
func BenchmarkPlanFromJSON(b *testing.B) {
	for _, size := range []int{1_000, 10_000, 100_000} {
		f := loadPerfFixture(b, size)
		for _, state := range []string{"initial", "steady"} {
			transport := &memoryTransport{search: f.searchBody, lists: f.listsBody, pages: f.userPages}
			if state == "initial" {
				transport.pages = encodeUserPages(b, nil)
			}
			b.Run(fmt.Sprintf("%s/%d", state, size), func(b *testing.B) {
				hibobClient, qooperClient := memoryClients(b, transport)
				s, err := New(NewHiBobSource(hibobClient), NewQooperTarget(qooperClient), mapping.Default(), WithClock(fixedClock))
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				sampler := startHeapSampler()
				b.ReportAllocs()
				for b.Loop() {
					plan, err := s.Plan(b.Context())
					if err != nil {
						b.Fatal(err)
					}
					if state == "steady" && len(plan.Changes) != 0 {
						b.Fatalf("steady state planned %d changes", len(plan.Changes))
					}
				}
				b.StopTimer()
				baseline, peak := sampler.stop()
				b.ReportMetric(float64(peak-baseline)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(peak)/(1<<20), "peak-total-heap-MB")
			})
		}
	}
}

// heapSampler records the largest heap, live objects and garbage not yet
// freed, seen between its start and stop.
type heapSampler struct {
	baseline uint64
	peak     atomic.Uint64
	done     chan struct{}
	stopped  chan struct{}
}

func heapObjectBytes() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{baseline: heapObjectBytes(), done: make(chan struct{}), stopped: make(chan struct{})}
	h.peak.Store(h.baseline)
	go func() {
		defer close(h.stopped)
		ticker := time.NewTicker(time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-h.done:
				return
			case <-ticker.C:
				if now := heapObjectBytes(); now > h.peak.Load() {
					h.peak.Store(now)
				}
			}
		}
	}()
	return h
}

// stop ends sampling and returns the heap at the start and the peak.
func (h *heapSampler) stop() (baseline, peak uint64) {
	close(h.done)
	<-h.stopped
	return h.baseline, max(h.peak.Load(), heapObjectBytes())
}

// nullStream is a people-search body whose employees array has remaining
// null elements, generated as it is read, so that it never sits in memory.
type nullStream struct {
	remaining int
	buffer    []byte
	closed    bool
}

func (s *nullStream) Read(p []byte) (int, error) {
	if len(s.buffer) == 0 {
		switch {
		case s.remaining > 0:
			chunk := min(s.remaining, 4096)
			s.remaining -= chunk
			s.buffer = bytes.Repeat([]byte("null,"), chunk)
		case !s.closed:
			s.closed = true
			s.buffer = []byte(`null]}`)
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, s.buffer)
	s.buffer = s.buffer[n:]
	return n, nil
}

type nullStreamTransport struct{ elements int }

func (t nullStreamTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	stream := &nullStream{remaining: t.elements, buffer: []byte(`{"employees":[`)}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(stream),
		Request:    req,
	}, nil
}

// BenchmarkSearchPeopleStream decodes a 64 MiB people-search body and
// reports the peak heap above the start. A decoder that read the body
// whole first would need at least the body's size.
func BenchmarkSearchPeopleStream(b *testing.B) {
	const elements = 64 << 20 / len("null,")
	hibobClient, _ := memoryClients(b, nullStreamTransport{elements: elements})
	runtime.GC()
	sampler := startHeapSampler()
	b.SetBytes(int64(elements * len("null,")))
	for b.Loop() {
		employees, err := hibobClient.SearchPeople(b.Context(), &hibob.SearchRequest{Fields: []string{"root.id"}})
		if err != nil || len(employees) != 0 {
			b.Fatalf("got %d employees: %v", len(employees), err)
		}
	}
	b.StopTimer()
	baseline, peak := sampler.stop()
	b.ReportMetric(float64(peak-baseline)/(1<<20), "peak-heap-MB")
}

// countingTransport counts the requests and the 429 responses that pass
// through it.
type countingTransport struct {
	base               http.RoundTripper
	requests, rejected atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	c.requests.Add(1)
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		c.rejected.Add(1)
	}
	return resp, err
}

// BenchmarkApplyRateLimited applies 2,000 creates against a Qooper fake
// that allows 200 requests per second with bursts of 20, from a client
// with the same rate and the burst in the name. It reports the requests
// per second during Apply, that rate as a share of the limit, and the 429
// responses. Run it with -benchtime 1x: each iteration takes about 10 s.
func BenchmarkApplyRateLimited(b *testing.B) {
	const limit, burst, creates = 200, 20, 2_000
	records := make([]mapping.Record, creates)
	for i := range records {
		records[i] = employee(fmt.Sprintf("%07d", i+1), "Person", fmt.Sprintf("Number%d", i+1))
	}
	for _, clientBurst := range []int{burst, burst - 1, burst / 2} {
		b.Run(fmt.Sprintf("burst%d", clientBurst), func(b *testing.B) {
			for b.Loop() {
				server := qoopertest.NewServer(qoopertest.WithRateLimit(limit, burst))
				counter := &countingTransport{base: server.Client().Transport}
				client, err := qooper.NewClient(server.URL(), server.Token(),
					qooper.WithHTTPClient(&http.Client{Transport: counter}),
					qooper.WithRateLimit(limit, clientBurst))
				if err != nil {
					b.Fatal(err)
				}
				s, err := New(&fakeSource{records: records}, NewQooperTarget(client), mapping.Default(), WithClock(fixedClock))
				if err != nil {
					b.Fatal(err)
				}
				plan, err := s.Plan(b.Context())
				if err != nil || plan.Count(Create) != creates {
					b.Fatalf("planned %d creates: %v", plan.Count(Create), err)
				}
				before := counter.requests.Load()

				started := time.Now()
				report, err := s.Apply(b.Context(), plan)
				elapsed := time.Since(started)

				server.Close()
				if err != nil || report.Count(Applied) != creates {
					b.Fatalf("applied %d creates: %v", report.Count(Applied), err)
				}
				perSecond := float64(counter.requests.Load()-before) / elapsed.Seconds()
				b.ReportMetric(perSecond, "req/s")
				b.ReportMetric(100*perSecond/limit, "limit-use-%")
				b.ReportMetric(float64(counter.rejected.Load()), "429s")
			}
		})
	}
}
