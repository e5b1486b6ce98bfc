package io.canopy.registry.watch;

/**
 * Tells the watch hub that a commit happened. The hub only flags work and hands it to its executor,
 * so a writer never waits for a watcher, however slow its client.
 */
public final class ChangeNotifier {

  private volatile Runnable listener = () -> {};

  /** Called after every committed change. */
  public void changed() {
    listener.run();
  }

  void listen(Runnable listener) {
    this.listener = listener;
  }
}
