package io.canopy.registry.watch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes watch streams after a commit. A wake-up only flags work and hand it to an executor, so a
 * writer never waits for a watcher, however slow its client.
 */
public final class ChangeNotifier {

  private final Set<WatchStream> streams = ConcurrentHashMap.newKeySet();

  /** Called after every committed change. */
  public void changed() {
    for (WatchStream stream : streams) {
      stream.wake();
    }
  }

  void subscribe(WatchStream stream) {
    streams.add(stream);
  }

  void unsubscribe(WatchStream stream) {
    streams.remove(stream);
  }
}
