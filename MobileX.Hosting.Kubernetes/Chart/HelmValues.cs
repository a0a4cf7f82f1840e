namespace MobileX.Hosting.Kubernetes.Chart;

/// <summary>Builds values.yaml while the templates are written, so every <c>.Values</c> path a template uses exists.</summary>
public sealed class HelmValues
{
    /// <summary>Nested maps in insertion order; leaves are strings, numbers, booleans or whole default blocks.</summary>
    public Dictionary<string, object?> Root { get; } = [];

    /// <summary>Sets <paramref name="path"/> (dot-separated) to <paramref name="value"/> unless already set; the first default wins.</summary>
    public string Set(string path, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var keys = path.Split('.');
        var map = MapAt(keys[..^1]);
        map.TryAdd(keys[^1], value);
        return path;
    }

    /// <summary>Sets one entry of the map at <paramref name="mapPath"/>; the key may hold any character (an environment name).</summary>
    public void SetEntry(string mapPath, string key, string value) => MapAt(mapPath.Split('.')).TryAdd(key, value);

    private Dictionary<string, object?> MapAt(IEnumerable<string> keys)
    {
        var map = Root;
        foreach (var key in keys)
        {
            if (!map.TryGetValue(key, out var child) || child is not Dictionary<string, object?> childMap)
            {
                childMap = [];
                map[key] = childMap;
            }

            map = childMap;
        }

        return map;
    }
}
