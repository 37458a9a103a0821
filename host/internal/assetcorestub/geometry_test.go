package assetcorestub

import (
	"encoding/json"
	"testing"
)

func TestOverlaps(t *testing.T) {
	line := func(cx, w int64) placement { return placement{cx: cx, width: w} }
	rect := func(cx, cy, w, h, rot int64) placement {
		return placement{cx: cx, cy: cy, width: w, height: h, rotationMilliDg: rot}
	}
	lines := []struct {
		a, b placement
		want bool
	}{
		{line(0, 10), line(5, 10), true},
		{line(0, 10), line(10, 10), false}, // touching ends
		{line(0, 10), line(9, 9), true},    // [-5,5] and [4.5,13.5]
		{line(0, 1), line(1, 1), false},    // [-0.5,0.5] and [0.5,1.5]
		{line(-100, 2), line(100, 2), false},
	}
	for _, tc := range lines {
		if got := intervalsOverlap(tc.a, tc.b); got != tc.want || intervalsOverlap(tc.b, tc.a) != tc.want {
			t.Errorf("intervals %+v %+v: %v", tc.a, tc.b, got)
		}
	}
	rects := []struct {
		a, b placement
		want bool
	}{
		{rect(0, 0, 10, 10, 0), rect(5, 5, 10, 10, 0), true},
		{rect(0, 0, 10, 10, 0), rect(10, 0, 10, 10, 0), false},  // shared edge
		{rect(0, 0, 10, 2, 0), rect(0, 5, 10, 2, 0), false},     // stacked apart
		{rect(0, 0, 10, 2, 90000), rect(0, 4, 2, 2, 0), true},   // rotated upright reaches y=5
		{rect(0, 0, 10, 2, 270000), rect(3, 0, 2, 2, 0), false}, // upright is 2 wide
		{rect(0, 0, 10, 10, 45000), rect(7, 0, 2, 2, 0), true},  // diamond reaches x≈7.07
		{rect(0, 0, 10, 10, 45000), rect(9, 0, 2, 2, 0), false}, // left edge at 8
		{rect(0, 0, 10, 10, 45000), rect(6, 6, 2, 2, 0), false}, // outside the diamond's corner region
	}
	for _, tc := range rects {
		if got := rectsOverlap(tc.a, tc.b); got != tc.want || rectsOverlap(tc.b, tc.a) != tc.want {
			t.Errorf("rects %+v %+v: %v", tc.a, tc.b, got)
		}
	}
}

// Placements made by commits are counted by the overlap view, and a
// placement that would overlap another is refused.
func TestOverlapCount(t *testing.T) {
	s := Seeded(t, nil)
	add := func(loc string) error {
		_, err := s.Apply(1, CommitRequest{Operations: []Operation{{Op: "AddInstance",
			Args: json.RawMessage(`{"class_id":"robot","key":null,"location":` + loc + `}`)}}})
		return err
	}
	for _, loc := range []string{
		`{"container_id":"line-01","kind":"continuous_1d","center_x_scaled":1000,"span_length_scaled":400}`,
		`{"container_id":"line-01","kind":"continuous_1d","center_x_scaled":1400,"span_length_scaled":400}`,
		`{"container_id":"floor-01","kind":"continuous_2d","center_x_scaled":1200,"center_y_scaled":800,"rect_width_scaled":200,"rect_height_scaled":100,"rotation_millideg":30000}`,
	} {
		if err := add(loc); err != nil {
			t.Fatalf("%s: %v", loc, err)
		}
	}
	if err := add(`{"container_id":"line-01","kind":"continuous_1d","center_x_scaled":1100,"span_length_scaled":10}`); err == nil {
		t.Error("overlapping placement accepted")
	}
	if err := add(`{"container_id":"floor-01","kind":"continuous_2d","center_x_scaled":50,"center_y_scaled":50,"rect_width_scaled":200,"rect_height_scaled":10,"rotation_millideg":45000}`); err == nil {
		t.Error("placement outside the bounds accepted")
	}
	base := s.Start(t)
	for path, want := range map[string]string{
		"line-01/overlaps?center_x_scaled=1200&span_length_scaled=400":                                                                `{"overlap_count":2}`,
		"line-01/overlaps?center_x_scaled=1800&span_length_scaled=400":                                                                `{"overlap_count":0}`, // touches the second
		"line-01/overlaps?center_x_scaled=600&span_length_scaled=400":                                                                 `{"overlap_count":0}`,
		"floor-01/overlaps?center_x_scaled=1200&center_y_scaled=800&rect_width_scaled=200&rect_height_scaled=100&rotation_millideg=0": `{"overlap_count":1}`,
		"floor-01/overlaps?center_x_scaled=5000&center_y_scaled=800&rect_width_scaled=200&rect_height_scaled=100&rotation_millideg=0": `{"overlap_count":0}`,
	} {
		code, body := get(t, base+read+path)
		if code != 200 || member(t, body, "overlap") != want {
			t.Errorf("%s: %d %s, want %s", path, code, body, want)
		}
	}
}
