package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Case is one measured (or skipped) benchmark case.
type Case struct {
	Name string `json:"name"`
	N    int    `json:"n"`
	// Seconds is the median of Samples, when the case is timed.
	Seconds *float64 `json:"seconds"`
	// FloorSeconds is the median of FloorSamples, for cases with a floor.
	FloorSeconds *float64 `json:"floor_seconds"`
	// Ratio is Seconds / FloorSeconds.
	Ratio        *float64  `json:"ratio"`
	Samples      []float64 `json:"samples"`
	FloorSamples []float64 `json:"floor_samples,omitempty"`
	// Value and Unit are the result of an untimed case (memory, rates).
	Value *float64 `json:"value,omitempty"`
	Unit  string   `json:"unit,omitempty"`
	// Target is the target, Met whether it was reached.
	Target string `json:"target,omitempty"`
	Met    *bool  `json:"met,omitempty"`
	// Skipped says why a case could not run.
	Skipped string `json:"skipped,omitempty"`
	Note    string `json:"note,omitempty"`
	// Extra holds secondary figures (CPU per round, wall clock, ...).
	Extra map[string]float64 `json:"extra,omitempty"`
}

// Results is a whole bench run.
type Results struct {
	Mode     string    `json:"mode"`
	Started  time.Time `json:"started"`
	Duration float64   `json:"duration_seconds"`
	Machine  Machine   `json:"machine"`
	Cases    []Case    `json:"cases"`
}

// Machine describes where the bench ran.
type Machine struct {
	CPUs      int    `json:"cpus"`
	Model     string `json:"cpu_model"`
	MemoryMB  int    `json:"memory_mb"`
	Kernel    string `json:"kernel"`
	Go        string `json:"go"`
	LoadStart string `json:"loadavg_start"`
	LoadEnd   string `json:"loadavg_end,omitempty"`
}

func ptr[T any](v T) *T { return &v }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// timed fills Seconds, FloorSeconds and Ratio from the samples.
func (c *Case) timed() {
	if len(c.Samples) > 0 {
		c.Seconds = ptr(median(c.Samples))
	}
	if len(c.FloorSamples) > 0 {
		c.FloorSeconds = ptr(median(c.FloorSamples))
	}
	if c.Seconds != nil && c.FloorSeconds != nil && *c.FloorSeconds > 0 {
		c.Ratio = ptr(*c.Seconds / *c.FloorSeconds)
	}
}

func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), LoadStart: loadavg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.Model = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			m.MemoryMB = kb / 1024
		}
	}
	if out, err := exec.Command("uname", "-sr").Output(); err == nil {
		m.Kernel = strings.TrimSpace(string(out))
	}
	return m
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func writeJSON(path string, r *Results) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// writeMarkdown writes the results table.
func writeMarkdown(path string, r *Results) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Fleet benchmark results (%s)\n\n", r.Mode)
	fmt.Fprintf(&b, "Run %s, %.0f s, on %d × %s, %d MB, %s, %s; load average %s at start, %s at end.\n\n",
		r.Started.UTC().Format(time.RFC3339), r.Duration, r.Machine.CPUs, r.Machine.Model, r.Machine.MemoryMB,
		r.Machine.Kernel, r.Machine.Go, r.Machine.LoadStart, r.Machine.LoadEnd)
	b.WriteString("Times are medians of the rounds: time from send to last reply as the client saw it. ")
	b.WriteString("See bench/README.md for what each case does.\n\n")
	b.WriteString("| case | N | Marionette | floor | ratio | target | met | notes |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | --- | --- | --- |\n")
	for _, c := range r.Cases {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", c.Name, num(c.N), c.result(),
			secs(c.FloorSeconds), ratio(c.Ratio), c.Target, met(c), c.notes())
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func (c Case) result() string {
	switch {
	case c.Skipped != "":
		return "skipped"
	case c.Value != nil:
		return fmt.Sprintf("%s %s", short(*c.Value), c.Unit)
	default:
		return secs(c.Seconds)
	}
}

func (c Case) notes() string {
	if c.Skipped != "" {
		return c.Skipped
	}
	return c.Note
}

func num(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprint(n)
}

func secs(v *float64) string {
	if v == nil {
		return ""
	}
	if *v < 1 {
		return fmt.Sprintf("%.1f ms", *v*1000)
	}
	return fmt.Sprintf("%.2f s", *v)
}

func ratio(v *float64) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf("%.2f×", *v)
}

func met(c Case) string {
	if c.Met == nil {
		return ""
	}
	if *c.Met {
		return "yes"
	}
	return "**no**"
}

func short(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
