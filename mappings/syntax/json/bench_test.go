package json_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

func loadNotification(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile("testdata/releaseright.json")
	require.NoError(b, err)
	return data
}

func BenchmarkDecode(b *testing.B) {
	data := loadNotification(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jsonsyn.Decode(data, jsonsyn.DecodeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPathGet(b *testing.B) {
	doc := decodeFile(b, "testdata/releaseright.json")
	paths := map[string]*jsonsyn.Path{
		"simple": jsonsyn.MustCompilePath("data.container.containerNumber"),
		"filter": jsonsyn.MustCompilePath("data.parties[role=FW].ids[scheme=EORI].value"),
	}
	for name, p := range paths {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := p.Get(doc, nil); !ok {
					b.Fatal("no match")
				}
			}
		})
	}
}

func BenchmarkMarshal(b *testing.B) {
	doc := decodeFile(b, "testdata/releaseright.json")
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := jsonsyn.Marshal(doc, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("indent", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := jsonsyn.Marshal(doc, true); err != nil {
				b.Fatal(err)
			}
		}
	})
	obj := jsonsyn.Object{
		{Key: "id", Value: "3f1c"}, {Key: "type", Value: "RELEASE_CREATED"},
		{Key: "key", Value: jsonsyn.Object{
			{Key: "port", Value: "BEANR"}, {Key: "carrier", Value: "MSCU"},
			{Key: "blNumber", Value: "MEDUAN123456"}, {Key: "containerNumber", Value: "CSQU3054383"},
		}},
		{Key: "equipment", Value: jsonsyn.Object{
			{Key: "grossKg", Value: jsonsyn.Number("24350.5")}, {Key: "seals", Value: []string{"SL-88231", "CU-4410923"}},
		}},
	}
	b.Run("object append", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 4096)
		for b.Loop() {
			var err error
			if buf, err = jsonsyn.AppendValue(buf[:0], obj); err != nil {
				b.Fatal(err)
			}
		}
	})
}
