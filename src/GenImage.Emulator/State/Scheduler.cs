namespace GenImage.Emulator.State;

/// <summary>
/// Deferred state changes (an operation finishing, a guest shutting itself down). They are applied lazily, in due
/// order, whenever the world is observed (<see cref="WorldStore.Enter"/>), so every observer sees a consistent world
/// without background timers. Not thread-safe by itself: used under the world lock.
/// </summary>
internal sealed class Scheduler
{
    private readonly List<(DateTimeOffset Due, long Seq, Action Action)> _items = new();
    private long _seq;

    public void At(DateTimeOffset due, Action action) => _items.Add((due, _seq++, action));

    public void RunDue(DateTimeOffset now)
    {
        while (true)
        {
            var index = -1;
            for (var i = 0; i < _items.Count; i++)
            {
                var item = _items[i];
                if (item.Due > now)
                {
                    continue;
                }

                if (index < 0 || item.Due < _items[index].Due || (item.Due == _items[index].Due && item.Seq < _items[index].Seq))
                {
                    index = i;
                }
            }

            if (index < 0)
            {
                return;
            }

            var action = _items[index].Action;
            _items.RemoveAt(index);
            action();
        }
    }
}
