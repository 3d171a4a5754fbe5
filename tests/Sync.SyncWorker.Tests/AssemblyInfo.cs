// The tests wait on the broker, Redis, timers and HTTP far more than they compute: four classes at a time keep two cores
// busy without one test's timing depending on another's.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
