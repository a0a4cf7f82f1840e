namespace MobileX.AppHost.Kubernetes;

/// <summary>Builds values.yaml while the templates are written, so every <c>.Values</c> path a template uses exists.</summary>
public sealed class ValuesBuilder
{
    public YMap Root { get; } = new();

    /// <summary>Sets <paramref name="path"/> (dot-separated) to <paramref name="value"/> unless already set; returns the path.</summary>
    public string Set(string path, YNode value)
    {
        var keys = path.Split('.');
        var map = Root;
        foreach (var key in keys[..^1])
        {
            if (map[key] is not YMap child)
            {
                child = new YMap();
                map.Add(key, child);
            }

            map = child;
        }

        if (map[keys[^1]] is null)
        {
            map.Add(keys[^1], value);
        }

        return path;
    }

    /// <summary>Sets one entry of the map at <paramref name="mapPath"/>; the key may hold any character (an environment name).</summary>
    public void SetEntry(string mapPath, string key, string value)
    {
        Set(mapPath, new YMap());
        var map = mapPath.Split('.').Aggregate(Root, (current, part) => (YMap)current[part]!);
        if (map[key] is null)
        {
            map.Add(key, value);
        }
    }

    public string Set(string path, string value) => Set(path, new YScalar(value));

    public string Set(string path, int value) => Set(path, new YScalar(value));

    public string Set(string path, bool value) => Set(path, new YScalar(value));

    /// <summary>A scalar from values.yaml: <c>{{ .Values.path }}</c> in the chart, <paramref name="plain"/> in the plain form.</summary>
    public YTemplate Scalar(string path, object plain, bool quote = false)
    {
        Set(path, new YScalar(plain));
        return new YTemplate(quote ? $"{{{{ .Values.{path} | quote }}}}" : $"{{{{ .Values.{path} }}}}", new YScalar(plain));
    }

    /// <summary>A subtree from values.yaml, written in full in the plain form.</summary>
    public YValuesBlock Block(string path, YNode plain)
    {
        Set(path, plain);
        return new YValuesBlock(path, plain);
    }
}
