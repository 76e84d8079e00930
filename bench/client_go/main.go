// Command kubeweb-client-go-bench is the client-go side of kubeweb's bench suite (bench/main.ts),
// built by bench/client_go/build.sh against the client-go v0.20 vendored in Debian's kubernetes 1.20
// source tree. It prints one JSON line per run.
//
//	kubeweb-client-go-bench sync <kubeconfig> <namespace> <count>
//	    an informer of ConfigMaps as the shared informer factory builds it, with one handler: the
//	    time from start to synced with every add delivered, and the live heap (after GC) before and
//	    after, with the informer still referenced
//	kubeweb-client-go-bench workqueue
//	    workqueue cycles over 1,000 keys: add all then get+done, and add+get+done one by one
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"
)

func heap() uint64 {
	var m runtime.MemStats
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func syncBench(kubeconfig, namespace string, count int) {
	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		fail(err)
	}
	config.QPS = 1e6
	config.Burst = 1e6
	cs, err := kubernetes.NewForConfig(config)
	if err != nil {
		fail(err)
	}
	factory := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace(namespace))
	informer := factory.Core().V1().ConfigMaps().Informer()
	var adds int64
	informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(interface{}) { atomic.AddInt64(&adds, 1) },
	})
	before := heap()
	stop := make(chan struct{})
	t0 := time.Now()
	factory.Start(stop)
	for !informer.HasSynced() || atomic.LoadInt64(&adds) < int64(count) {
		time.Sleep(time.Millisecond)
	}
	ms := float64(time.Since(t0).Microseconds()) / 1000
	time.Sleep(200 * time.Millisecond)
	after := heap()
	cached := len(informer.GetStore().ListKeys())
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	out, _ := json.Marshal(map[string]interface{}{
		"mode": "client-go", "ms": ms, "before": before, "after": after, "cached": cached, "rss": m.Sys,
	})
	fmt.Println(string(out))
	close(stop)
	runtime.KeepAlive(informer)
}

func workqueueBench() {
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = "default/pod-" + strconv.Itoa(i)
	}
	q := workqueue.New()
	measure := func(cycle func()) float64 {
		for i := 0; i < 200; i++ {
			cycle()
		}
		n := 0
		t0 := time.Now()
		for time.Since(t0) < 2*time.Second {
			cycle()
			n++
		}
		return float64(time.Since(t0).Nanoseconds()) / float64(n) / 1e6
	}
	batch := measure(func() {
		for _, k := range keys {
			q.Add(k)
		}
		for range keys {
			item, _ := q.Get()
			q.Done(item)
		}
	})
	oneByOne := measure(func() {
		for _, k := range keys {
			q.Add(k)
			item, _ := q.Get()
			q.Done(item)
		}
	})
	out, _ := json.Marshal(map[string]float64{"batchMs": batch, "oneByOneMs": oneByOne})
	fmt.Println(string(out))
}

func main() {
	if len(os.Args) >= 5 && os.Args[1] == "sync" {
		count, err := strconv.Atoi(os.Args[4])
		if err != nil {
			fail(err)
		}
		syncBench(os.Args[2], os.Args[3], count)
		return
	}
	if len(os.Args) == 2 && os.Args[1] == "workqueue" {
		workqueueBench()
		return
	}
	fail(fmt.Errorf("usage: kubeweb-client-go-bench sync <kubeconfig> <namespace> <count> | workqueue"))
}
