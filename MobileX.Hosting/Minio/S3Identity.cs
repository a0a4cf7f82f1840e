using System.Text.Json;
using MobileX.Contracts;

namespace MobileX.Hosting.Minio;

/// <summary>
/// One MinIO user and the policy attached to it: the buckets it may read and the buckets it may write, nothing else.
/// Every identity may list bucket names (the S3 health check and start-up probe ask ListBuckets); none may delete.
/// </summary>
/// <param name="User">The access key: <c>station-03</c>, <c>preprocessor</c>, <c>model-coverage</c>.</param>
/// <param name="PolicyName">The MinIO policy name, attached to the user alone.</param>
/// <param name="Reads">Buckets (or <c>station-*</c>) whose objects it may list and get.</param>
/// <param name="Writes">Buckets it may create and put objects into.</param>
public sealed record S3Identity(string User, string PolicyName, IReadOnlyList<string> Reads, IReadOnlyList<string> Writes)
{
    /// <summary>Every station's raw bucket (<see cref="Buckets.Station"/> names them <c>station-NN</c>).</summary>
    public const string AllStationBuckets = "station-*";

    /// <summary>A station writes its own bucket and reads nothing, not even its own frames.</summary>
    public static S3Identity Station(StationId station) =>
        new(Buckets.Station(station), $"{Buckets.Station(station)}-write", [], [Buckets.Station(station)]);

    /// <summary>The capture process itself: it only lists buckets for its health check; each station writes with its own key.</summary>
    public static readonly S3Identity Capture = new("capture", "capture-list", [], []);

    /// <summary>Reads every station's raw frames, writes <c>processed</c>.</summary>
    public static readonly S3Identity Preprocessor = new("preprocessor", "preprocessor-rw", [AllStationBuckets], [Buckets.Processed]);

    /// <summary>Reads raw frames, busts and avatars (the stations page, lineage, downloads); writes <c>avatars</c>.</summary>
    public static readonly S3Identity Api = new("api", "api-rw", [AllStationBuckets, Buckets.Processed, Buckets.Avatars], [Buckets.Avatars]);

    /// <summary>The environment variable the provisioning step reads this identity's secret key from.</summary>
    public string SecretVariable => "S3_SECRET_" + string.Concat(User.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_'));

    /// <summary>
    /// The policy document (AWS IAM grammar, as MinIO reads it). Reads: list and get objects. Writes: create the
    /// bucket (services call PutBucket before they write; MinIO checks the right before it finds the bucket exists)
    /// and put objects, multipart included. No statement allows DeleteObject or any admin action.
    /// </summary>
    public string PolicyDocument()
    {
        var statements = new List<object>
        {
            new { Effect = "Allow", Action = new[] { "s3:ListAllMyBuckets" }, Resource = new[] { "arn:aws:s3:::*" } },
        };
        var reads = Reads.Distinct().Order(StringComparer.Ordinal).ToArray();
        var writes = Writes.Distinct().Order(StringComparer.Ordinal).ToArray();
        if (reads.Length > 0)
        {
            statements.Add(new { Effect = "Allow", Action = new[] { "s3:GetBucketLocation", "s3:ListBucket" }, Resource = reads.Select(Bucket).ToArray() });
            statements.Add(new { Effect = "Allow", Action = new[] { "s3:GetObject" }, Resource = reads.Select(Objects).ToArray() });
        }

        if (writes.Length > 0)
        {
            statements.Add(new { Effect = "Allow", Action = new[] { "s3:CreateBucket", "s3:GetBucketLocation" }, Resource = writes.Select(Bucket).ToArray() });
            statements.Add(new
            {
                Effect = "Allow",
                Action = new[] { "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts" },
                Resource = writes.Select(Objects).ToArray(),
            });
        }

        return JsonSerializer.Serialize(new { Version = "2012-10-17", Statement = statements });
    }

    private static string Bucket(string bucket) => $"arn:aws:s3:::{bucket}";

    private static string Objects(string bucket) => $"arn:aws:s3:::{bucket}/*";
}
