// A fresh fixture instance for every test, so that no substitute, counter or captured value leaks between tests.
[assembly: FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
