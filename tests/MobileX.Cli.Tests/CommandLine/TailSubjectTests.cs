using MobileX.Cli.CommandLine;
using MobileX.Cli.Tail;

namespace MobileX.Cli.Tests.CommandLine;

public sealed class TailSubjectTests
{
    [Theory]
    [InlineData("", "mobilex.stations.*.frames.>")]
    [InlineData("--station 03", "mobilex.stations.03.frames.>")]
    [InlineData("--stage processed", "mobilex.stations.*.frames.processed")]
    [InlineData("--station 03,04 --stage rejected", "mobilex.stations.03.frames.rejected mobilex.stations.04.frames.rejected")]
    [InlineData("--station 03 --stage raw --stage processed", "mobilex.stations.03.frames.raw mobilex.stations.03.frames.processed")]
    [InlineData("--subject mobilex.stations.*.health", "mobilex.stations.*.health")]
    public void SubjectsComeFromStationsAndStagesOrAreGiven(string options, string subjects)
    {
        var args = ParsedArguments.Parse(TailCommand.Spec, options.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(subjects.Split(' '), TailCommand.SubjectsFor(args));
    }

    [Fact]
    public void LineCarriesTheSubjectThenTheMessage()
    {
        Assert.Equal("{\"subject\":\"a.b\",\"message\":{\"x\":[1,2]}}", TailCommand.Line("a.b", "{\n  \"x\": [1, 2]\n}"u8.ToArray()));
        Assert.Equal("{\"subject\":\"a.b\",\"message\":\"not json\"}", TailCommand.Line("a.b", "not json"u8.ToArray()));
    }
}
