package cli

import (
	"bytes"
	"testing"
	"time"
)

func TestInventoryGolden(t *testing.T) {
	local := time.Local
	time.Local = time.UTC
	t.Cleanup(func() { time.Local = local })
	stats := map[string]any{
		"version": "2.12.5", "starttime": int64(1732629600), "configfile": "/etc/mcollective/server.cfg",
		"pid": int64(4242), "total": int64(12), "passed": int64(9), "filtered": int64(3),
		"ttlexpired": int64(0), "replies": int64(8),
		"times": map[string]any{"utime": 0.52, "stime": 0.1},
	}
	inv := map[string]any{
		"agents":          []any{"rpcutil", "discovery", "process", "nettest"},
		"data_plugins":    []any{"fstat_data", "agent_data", "fact_data", "collective_data"},
		"classes":         []any{"roles::web", "base", "a_class_name_longer_than_thirty_chars"},
		"collectives":     []any{"mcollective", "eu"},
		"main_collective": "mcollective",
		"facts": map[string]any{
			"role": "web", "rank": "1", "os": map[string]any{"family": "debian", "release": "12"},
			"ips": []any{"10.0.0.1", "10.0.0.2"}, "empty": nil,
		},
	}
	var b bytes.Buffer
	writeInventory(&b, "node1", stats, inv)
	golden(t, "inventory.golden", b.String())

	b.Reset()
	writeInventory(&b, "bare", map[string]any{}, map[string]any{"agents": []any{}, "data_plugins": []any{}, "classes": []any{}, "facts": map[string]any{}})
	golden(t, "inventory_empty.golden", b.String())
}
