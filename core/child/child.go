// Package child starts the daemon's child processes (the plugin host and
// the Go plugins) so that they die with it. On Linux a child gets SIGKILL
// from the kernel when its parent dies, even by SIGKILL (ProcAttr). That
// parent-death signal follows the thread that forked the child, not the
// process, and Go may end an ordinary thread's life with a goroutine that
// locked it; a Spawner forks from one goroutine locked to its OS thread for
// as long as the Spawner lives, so that children are only killed when the
// daemon really goes.
package child

import "runtime"

// Spawner runs process starts on one OS thread. Its zero value is not
// usable; call NewSpawner.
type Spawner struct {
	jobs chan func()
	done chan struct{}
}

// NewSpawner starts a Spawner's thread.
func NewSpawner() *Spawner {
	s := &Spawner{jobs: make(chan func()), done: make(chan struct{})}
	go s.loop()
	return s
}

func (s *Spawner) loop() {
	runtime.LockOSThread() // never unlocked: the thread ends with the loop
	for job := range s.jobs {
		job()
	}
	close(s.done)
}

// Run calls start, which should start a process, on the Spawner's thread
// and returns its error.
func (s *Spawner) Run(start func() error) error {
	errc := make(chan error, 1)
	s.jobs <- func() { errc <- start() }
	return <-errc
}

// Stop ends the Spawner once running jobs are done. Its thread exits with
// it, so it must only stop after the processes it started are gone.
func (s *Spawner) Stop() {
	close(s.jobs)
	<-s.done
}
