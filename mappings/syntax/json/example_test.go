package json_test

import (
	"fmt"

	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

func Example() {
	doc, err := jsonsyn.Decode([]byte(`{
  "type": "ReleaseRight",
  "id": "CSQU3054383",
  "data": {"parties": [
    {"role": "ISSUER", "name": "MSC Belgium NV"},
    {"role": "FW", "name": "Vanmoer Forwarding BV"}
  ]}
}`), jsonsyn.DecodeOptions{Name: "notify.json"})
	if err != nil {
		fmt.Println(err)
		return
	}
	forwarder := jsonsyn.MustCompilePath("data.parties[role=FW].name")
	name, _ := forwarder.Get(doc, nil)
	fmt.Println(name)

	out, _ := jsonsyn.Marshal(jsonsyn.Object{
		{Key: "containerNumber", Value: "CSQU3054383"},
		{Key: "releaseTo", Value: name},
	}, false)
	fmt.Println(string(out))
	// Output:
	// Vanmoer Forwarding BV
	// {"containerNumber":"CSQU3054383","releaseTo":"Vanmoer Forwarding BV"}
}

func ExampleDecode_duplicateKey() {
	_, err := jsonsyn.Decode([]byte(`{"data": {"releaseTo": "A", "releaseTo": "B"}}`), jsonsyn.DecodeOptions{Name: "notify.json"})
	fmt.Println(err)
	// Output:
	// notify.json:1:29: /data: duplicate key "releaseTo"
}

func ExamplePath_Locate() {
	doc, _ := jsonsyn.Decode([]byte(`{"lights": [{"kind": "CUSTOMS", "state": "RED"}, {"kind": "TERMINAL", "state": "GREEN"}]}`), jsonsyn.DecodeOptions{})
	for _, m := range jsonsyn.MustCompilePath("lights[*].state").Locate(doc, nil) {
		fmt.Println(m.Pointer, m.Value)
	}
	// Output:
	// /lights/0/state RED
	// /lights/1/state GREEN
}
