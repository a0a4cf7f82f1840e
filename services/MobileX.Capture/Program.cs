var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, CaptureExtensions.SwitchMappings.ToDictionary());

builder.AddServiceDefaults();
builder.AddCapture();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

public partial class Program;
