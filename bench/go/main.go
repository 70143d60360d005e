// The Go peer of the bench: the seed's own stack, github.com/apache/spark-connect-go (pinned in go.mod), doing each
// case it can as its users write it. Arguments come as one JSON object on stdin; the result is one JSON object on
// the last line of stdout (like bench/python/*.py):
//
//	{"op": "read", "mode": "toArrow"|"collect", "remote", "path", "warmup", "runs"}
//	    DataFrame.ToArrow / DataFrame.Collect of the Delta table at path;
//	{"op": "insert", "remote", "ipc", "path", "warmup", "runs"}
//	    the Arrow table a user already has (read from the IPC file; not timed) → CreateDataFrameFromArrow →
//	    Write().Format("delta").Mode("append").Save(path), per run.
//
// What the pinned version cannot do (read from its code, see bench/go/README.md): a streamed read (DataFrame.All
// collects every row first) and an append with writer options (DataFrameWriter has Mode, Format and Save only, so
// no txnAppId/txnVersion: no exactly-once append).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/spark-connect-go/spark/client/channel"
	"github.com/apache/spark-connect-go/spark/sql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// maxMessage is the largest gRPC message the peer takes: 128 MiB, pyspark-client's default. spark-connect-go keeps
// grpc-go's 4 MiB, which fails a whole read of 100k Orders ("received message larger than max (7152735 vs.
// 4194304)"); its documented extension point, a channel.Builder, is how a user raises it.
const maxMessage = 128 << 20

// bigMessages is spark-connect-go's own channel builder with the receive limit raised (plain-text connections, as
// the bench's server; with a token the library's own Build is used).
type bigMessages struct{ *channel.BaseBuilder }

func (b bigMessages) Build(ctx context.Context) (*grpc.ClientConn, error) {
	if b.Token() != "" {
		return b.BaseBuilder.Build(ctx)
	}
	return grpc.NewClient(
		fmt.Sprintf("%v:%v", b.Host(), b.Port()),
		grpc.WithAuthority(b.Host()),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessage)),
	)
}

type args struct {
	Op     string `json:"op"`
	Mode   string `json:"mode"`
	Remote string `json:"remote"`
	Path   string `json:"path"`
	IPC    string `json:"ipc"`
	Warmup int    `json:"warmup"`
	Runs   int    `json:"runs"`
}

type result struct {
	Seconds        []float64 `json:"seconds"`
	Rows           int64     `json:"rows"`
	RssBaselineMiB float64   `json:"rssBaselineMiB"`
	RssPeakMiB     float64   `json:"rssPeakMiB"`
	ClientCPUShare float64   `json:"clientCpuShare"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "go peer:", err)
		os.Exit(1)
	}
}

func run() error {
	var a args
	if err := json.NewDecoder(bufio.NewReader(os.Stdin)).Decode(&a); err != nil {
		return fmt.Errorf("reading the arguments: %w", err)
	}
	ctx := context.Background()
	base, err := channel.NewBuilder(a.Remote)
	if err != nil {
		return fmt.Errorf("the connection string: %w", err)
	}
	spark, err := sql.NewSessionBuilder().WithChannelBuilder(bigMessages{base}).Build(ctx)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer spark.Stop()
	// Connection and first-call costs outside the measurement, as for the other peers.
	warm, err := spark.Sql(ctx, "SELECT 1")
	if err != nil {
		return err
	}
	if _, err := warm.Collect(ctx); err != nil {
		return err
	}

	var body func() (int64, error)
	switch a.Op {
	case "read":
		body, err = reader(ctx, spark, a)
	case "insert":
		body, err = inserter(ctx, spark, a)
	default:
		err = fmt.Errorf("unknown op %q", a.Op)
	}
	if err != nil {
		return err
	}
	baseline := statusMiB("VmRSS")
	cpuBefore, wallBefore := cpuSeconds(), time.Now()
	seconds, rows, err := measure(a.Warmup, a.Runs, body)
	if err != nil {
		return err
	}
	share := (cpuSeconds() - cpuBefore) / time.Since(wallBefore).Seconds()
	out, _ := json.Marshal(result{
		Seconds: seconds, Rows: rows, RssBaselineMiB: baseline, RssPeakMiB: statusMiB("VmHWM"), ClientCPUShare: share,
	})
	fmt.Println(string(out))
	return nil
}

func reader(ctx context.Context, spark sql.SparkSession, a args) (func() (int64, error), error) {
	df, err := spark.Read().Format("delta").Load(a.Path)
	if err != nil {
		return nil, err
	}
	switch a.Mode {
	case "toArrow":
		return func() (int64, error) {
			table, err := df.ToArrow(ctx)
			if err != nil {
				return 0, err
			}
			defer (*table).Release()
			return (*table).NumRows(), nil
		}, nil
	case "collect":
		return func() (int64, error) {
			rows, err := df.Collect(ctx)
			return int64(len(rows)), err
		}, nil
	}
	return nil, fmt.Errorf("unknown read mode %q", a.Mode)
}

func inserter(ctx context.Context, spark sql.SparkSession, a args) (func() (int64, error), error) {
	table, err := readIPC(a.IPC)
	if err != nil {
		return nil, err
	}
	return func() (int64, error) {
		df, err := spark.CreateDataFrameFromArrow(ctx, table)
		if err != nil {
			return 0, err
		}
		if err := df.Write().Format("delta").Mode("append").Save(ctx, a.Path); err != nil {
			return 0, err
		}
		return table.NumRows(), nil
	}, nil
}

func readIPC(path string) (arrow.Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	records := make([]arrow.Record, 0, r.NumRecords())
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.Record(i)
		if err != nil {
			return nil, err
		}
		rec.Retain()
		records = append(records, rec)
	}
	return array.NewTableFromRecords(r.Schema(), records), nil
}

// measure runs body warmup times unmeasured, then runs times; the seconds of the measured runs and the last row count.
func measure(warmup, runs int, body func() (int64, error)) ([]float64, int64, error) {
	var rows int64
	for i := 0; i < warmup; i++ {
		if _, err := body(); err != nil {
			return nil, 0, err
		}
	}
	seconds := make([]float64, 0, runs)
	for i := 0; i < runs; i++ {
		start := time.Now()
		n, err := body()
		if err != nil {
			return nil, 0, err
		}
		seconds = append(seconds, time.Since(start).Seconds())
		rows = n
	}
	return seconds, rows, nil
}

// statusMiB reads a field of /proc/self/status (VmRSS, or VmHWM for the peak) in MiB.
func statusMiB(key string) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, key+":") {
			fields := strings.Fields(line)
			if len(fields) >= 2 {
				kib, _ := strconv.ParseFloat(fields[1], 64)
				return kib / 1024
			}
		}
	}
	return -1
}

// cpuSeconds is the process's user and system CPU time (all threads).
func cpuSeconds() float64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return float64(u.Utime.Sec+u.Stime.Sec) + float64(u.Utime.Usec+u.Stime.Usec)/1e6
}
