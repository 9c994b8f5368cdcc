package main

import (
	"cmp"
	"fmt"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// writePlot draws time to last reply against N, floor and Marionette, on
// log scales, from the embedded-broker ping cases.
func writePlot(path string, r *Results) error {
	var mario, floor plotter.XYs
	for _, c := range r.Cases {
		if c.Name != casePing || c.Seconds == nil {
			continue
		}
		mario = append(mario, plotter.XY{X: float64(c.N), Y: *c.Seconds * 1000})
		if c.FloorSeconds != nil {
			floor = append(floor, plotter.XY{X: float64(c.N), Y: *c.FloorSeconds * 1000})
		}
	}
	if len(mario) == 0 {
		return fmt.Errorf("plot: no ping case measured")
	}
	byN := func(a, b plotter.XY) int { return cmp.Compare(a.X, b.X) }
	slices.SortFunc(mario, byN)
	slices.SortFunc(floor, byN)

	p := plot.New()
	p.Title.Text = "mco ping --expect N, embedded broker: time to last reply"
	p.X.Label.Text = "virtual nodes (N)"
	p.Y.Label.Text = "milliseconds"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())
	if err := plotutil.AddLinePoints(p, "floor (raw go-stomp)", floor, "Marionette (bin/mco ping)", mario); err != nil {
		return err
	}
	return p.Save(7*vg.Inch, 4.5*vg.Inch, path)
}
