package ddl

import (
	"errors"
	"math/big"
	"reflect"
	"slices"
	"testing"
)

func loadFixture(t *testing.T, path string) *DDL {
	t.Helper()
	d, err := ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type nameString string

// TestValidateRequest checks inputs against the fixtures. The error texts
// are those Ruby MCollective 2.12.5's validate_rpc_request raised for the
// same DDLs and inputs.
func TestValidateRequest(t *testing.T) {
	pkg := loadFixture(t, "testdata/agent/pkgmgr.ddl")
	run := loadFixture(t, "testdata/agent/runner.ddl")
	svc := loadFixture(t, "testdata/agent/svcctl.ddl")
	custom := Validators{"service_name": func(v any) error {
		if s, _ := v.(string); s == "" || s[0] == '-' {
			return errors.New("value should be a service name")
		}
		return nil
	}}
	tests := []struct {
		name    string
		ddl     *DDL
		action  string
		in      map[string]any
		custom  Validators
		want    map[string]any // nil: expect an error
		wantErr string
		missing bool
	}{
		{"ok with extra input", pkg, "install", map[string]any{"package": "nginx", "process_results": true}, nil,
			map[string]any{"package": "nginx", "process_results": true}, "", false},
		{"named string type", pkg, "install", map[string]any{"package": nameString("nginx")}, nil,
			map[string]any{"package": "nginx"}, "", false},
		{"missing", pkg, "install", map[string]any{}, nil, nil, "Action install needs a package argument", true},
		{"not a string", pkg, "install", map[string]any{"package": 1}, nil, nil, "Cannot validate input package: value should be a string", false},
		{"shellsafe", pkg, "install", map[string]any{"package": "a;b"}, nil, nil, "Cannot validate input package: value should not have ; in it", false},
		{"too long", pkg, "install", map[string]any{"package": string(make([]byte, 65))}, nil, nil, "Cannot validate input package: Input string is longer than 64 character(s)", false},
		{"regex", pkg, "status", map[string]any{"package": "a b"}, nil, nil, `Cannot validate input package: value should match ^[a-zA-Z0-9_.+\-]+$`, false},
		{"regex anchors whole value", pkg, "status", map[string]any{"package": "a\nb"}, nil, nil, `Cannot validate input package: value should match ^[a-zA-Z0-9_.+\-]+$`, false},
		{"list default", pkg, "status", map[string]any{"package": "a"}, nil, map[string]any{"package": "a", "format": "full"}, "", false},
		{"list", pkg, "status", map[string]any{"package": "a", "format": "short"}, nil, nil, "Cannot validate input format: value should be one of full, upstream, epoch", false},
		{"integer default", pkg, "refresh", nil, nil, map[string]any{"retries": int64(2)}, "", false},
		{"integer from int32", pkg, "refresh", map[string]any{"retries": int32(3)}, nil, map[string]any{"retries": int64(3)}, "", false},
		{"integer from JSON float", pkg, "refresh", map[string]any{"retries": 4.0}, nil, map[string]any{"retries": int64(4)}, "", false},
		{"integer big", pkg, "refresh", map[string]any{"retries": new(big.Int).Lsh(big.NewInt(1), 70)}, nil, map[string]any{"retries": new(big.Int).Lsh(big.NewInt(1), 70)}, "", false},
		{"integer string", pkg, "refresh", map[string]any{"retries": "2"}, nil, nil, "Cannot validate input retries: value should be a integer", false},
		{"integer fraction", pkg, "refresh", map[string]any{"retries": 2.5}, nil, nil, "Cannot validate input retries: value should be a integer", false},
		{"unknown validator", svc, "status", map[string]any{"service": "ssh"}, nil, nil, "Cannot validate input service: Unknown validator: 'service_name'.", false},
		{"custom validator", svc, "status", map[string]any{"service": "ssh"}, custom, map[string]any{"service": "ssh"}, "", false},
		{"custom validator refuses", svc, "status", map[string]any{"service": "-x"}, custom, nil, "Cannot validate input service: value should be a service name", false},
		{"boolean", run, "runonce", map[string]any{"force": "yes"}, nil, nil, "Cannot validate input force: value should be a boolean", false},
		{"defaults", run, "runonce", map[string]any{"force": true}, nil, map[string]any{"force": true, "environment": "production"}, "", false},
		{"nil is not a value", run, "runonce", map[string]any{"force": nil}, nil, nil, "Cannot validate input force: value should be a boolean", false},
		{"number", run, "runonce", map[string]any{"splaylimit": "1"}, nil, nil, "Cannot validate input splaylimit: value should be a number", false},
		{"number keeps kind", run, "runonce", map[string]any{"splaylimit": uint8(7)}, nil, map[string]any{"splaylimit": int64(7), "force": false, "environment": "production"}, "", false},
		{"regexp literal with flags", run, "runonce", map[string]any{"tags": "A,b"}, nil, map[string]any{"tags": "A,b", "force": false, "environment": "production"}, "", false},
		{"regexp literal", run, "runonce", map[string]any{"tags": "a b"}, nil, nil, `Cannot validate input tags: value should match (?i-mx:\A[a-z0-9_:]+(,[a-z0-9_:]+)*\z)`, false},
		{"hash", run, "apply", map[string]any{"resources": map[string]any{}}, nil, map[string]any{"resources": map[string]any{}, "order": []any{"first", "second"}, "weight": 1.5}, "", false},
		{"not a hash", run, "apply", map[string]any{"resources": []any{}}, nil, nil, "Cannot validate input resources: value should be a hash", false},
		{"array", run, "apply", map[string]any{"resources": map[string]any{}, "order": []string{"x"}, "weight": 2}, nil, map[string]any{"resources": map[string]any{}, "order": []string{"x"}, "weight": 2.0}, "", false},
		{"not an array", run, "apply", map[string]any{"resources": map[string]any{}, "order": "x"}, nil, nil, "Cannot validate input order: value should be a array", false},
		{"float", run, "apply", map[string]any{"resources": map[string]any{}, "weight": true}, nil, nil, "Cannot validate input weight: value should be a float", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ddl.ValidateRequest(tt.action, tt.in, tt.custom)
			if tt.want != nil {
				if err != nil {
					t.Fatalf("ValidateRequest: %v", err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("ValidateRequest = %#v, want %#v", got, tt.want)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v (%T), want a *ValidationError", err, err)
			}
			wantCode := CodeInvalidData
			if tt.missing {
				wantCode = CodeMissingData
			}
			if err.Error() != tt.wantErr || ve.Missing != tt.missing || ve.Code != wantCode || ve.Action != tt.action {
				t.Errorf("error %q %+v, want %q", err, ve, tt.wantErr)
			}
		})
	}
}

func TestValidateDoesNotShareDefaults(t *testing.T) {
	run := loadFixture(t, "testdata/agent/runner.ddl")
	got, err := run.Action("apply").Validate(map[string]any{"resources": map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	got["order"].([]any)[0] = "changed"
	if def := run.Action("apply").Input("order").Default.([]any)[0]; def != "first" {
		t.Errorf("default changed to %v", def)
	}
	in := map[string]any{"resources": map[string]any{}}
	if _, err := run.Action("apply").Validate(in); err != nil || len(in) != 1 {
		t.Errorf("Validate changed its argument: %v %v", in, err)
	}
}

func TestUnknownAction(t *testing.T) {
	pkg := loadFixture(t, "testdata/agent/pkgmgr.ddl")
	_, err := pkg.ValidateRequest("nope", nil, nil)
	var ue *UnknownActionError
	if !errors.As(err, &ue) || ue.Code != CodeUnknownAction ||
		err.Error() != "Attempted to call action nope for pkgmgr but it's not declared in the DDL" {
		t.Errorf("error %v", err)
	}
}

// TestHandBuiltInput validates with an Input built in Go, whose pattern
// was never compiled by the parser.
func TestHandBuiltInput(t *testing.T) {
	a := &Action{Name: "x", Inputs: []*Input{{Name: "n", Type: TypeString,
		Validation: Validation{Kind: RegexpValidation, Value: `\Aab\z`, Flags: "i"}}}}
	if _, err := a.Validate(map[string]any{"n": "AB"}); err != nil {
		t.Errorf("AB: %v", err)
	}
	if _, err := a.Validate(map[string]any{"n": "abc"}); err == nil {
		t.Error("abc passed")
	}
}

func TestConvertArg(t *testing.T) {
	tests := []struct {
		typ     Type
		list    []any
		raw     string
		want    any
		wantErr string
	}{
		{TypeString, nil, " a b ", " a b ", ""},
		{TypeAny, nil, "1", "1", ""},
		{TypeBoolean, nil, "Yes", true, ""},
		{TypeBoolean, nil, "t", true, ""},
		{TypeBoolean, nil, "0", false, ""},
		{TypeBoolean, nil, "n", false, ""},
		{TypeBoolean, nil, "maybe", nil, "Cannot validate input x: maybe does not look like a boolean argument"},
		{TypeInteger, nil, "-12", int64(-12), ""},
		{TypeInteger, nil, "1.5", nil, "Cannot validate input x: 1.5 does not look like an integer"},
		{TypeFloat, nil, "1.5", 1.5, ""},
		{TypeFloat, nil, "2", 2.0, ""},
		{TypeFloat, nil, "1e3", 1000.0, ""},
		{TypeFloat, nil, "NaN", nil, "Cannot validate input x: NaN does not look like a number"},
		{TypeNumber, nil, "7", int64(7), ""},
		{TypeNumber, nil, "7.25", 7.25, ""},
		{TypeNumber, nil, "seven", nil, "Cannot validate input x: seven does not look like a number"},
		{TypeList, []any{"a", int64(2)}, "2", int64(2), ""},
		{TypeList, []any{"a", int64(2)}, "b", nil, "Cannot validate input x: value should be one of a, 2"},
		{TypeHash, nil, `{"a": [1, 2.5]}`, map[string]any{"a": []any{int64(1), 2.5}}, ""},
		{TypeHash, nil, `[1]`, nil, "Cannot validate input x: [1] is not a JSON object"},
		{TypeArray, nil, `["a", true]`, []any{"a", true}, ""},
		{TypeArray, nil, `["a"] x`, nil, `Cannot validate input x: ["a"] x is not a JSON array`},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ)+" "+tt.raw, func(t *testing.T) {
			got, err := ConvertArg(&Input{Name: "x", Type: tt.typ, List: tt.list}, tt.raw)
			if tt.wantErr != "" {
				var ve *ValidationError
				if !errors.As(err, &ve) || err.Error() != tt.wantErr || ve.Input != "x" || ve.Code != CodeInvalidData {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ConvertArg = %#v, %v, want %#v", got, err, tt.want)
			}
		})
	}
}

func TestOutputs(t *testing.T) {
	run := loadFixture(t, "testdata/agent/runner.ddl")
	a := run.Action("last_summary")
	data := map[string]any{"run_time": 3.5, "extra": 1, "another": 2}
	a.FillDefaults(data)
	want := map[string]any{"run_time": 3.5, "extra": 1, "another": 2,
		"failed_resources": int64(-1), "logs": map[string]any{}, "enabled": nil}
	if !reflect.DeepEqual(data, want) {
		t.Errorf("FillDefaults = %#v, want %#v", data, want)
	}
	data["logs"].(map[string]any)["x"] = 1
	if len(a.Output("logs").Default.(map[string]any)) != 0 {
		t.Error("FillDefaults shared the default map")
	}
	if got := a.CheckOutputs(data); !slices.Equal(got, []string{"another", "extra"}) {
		t.Errorf("CheckOutputs = %v", got)
	}
}

func TestValidateQuery(t *testing.T) {
	data := loadFixture(t, "testdata/data/pkginfo_data.ddl")
	noInput := mustParse(t, "data/x_data.ddl", testMeta+`dataquery :description => "d" do
  output :o, :description => "d", :display_as => "O"
end`)
	noOutput := mustParse(t, "data/x_data.ddl", testMeta+`dataquery :description => "d"`)
	agent := loadFixture(t, "testdata/agent/pkgmgr.ddl")
	tests := []struct {
		name    string
		ddl     *DDL
		arg     any
		want    any
		wantErr string
	}{
		{"ok", data, "bash", "bash", ""},
		{"regexp", data, "a b", nil, `Cannot validate input query: value should match (?-mix:\A[\w.+-]+\z)`},
		{"required", data, nil, nil, "Cannot validate input query: value should be a string"},
		{"no input", noInput, nil, nil, ""},
		{"no input given one", noInput, "x", nil, "No data plugin argument was declared in the t DDL but an input was supplied"},
		{"no output", noOutput, nil, nil, "No output has been defined in the DDL for data plugin t"},
		{"not a data DDL", agent, "x", nil, "No dataquery has been defined in the DDL for data plugin pkgmgr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ddl.ValidateQuery(tt.arg, nil)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ValidateQuery = %v, %v", got, err)
			}
		})
	}
}
