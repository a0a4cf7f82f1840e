using MobileX.Coverage.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCoverage();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

public partial class Program;
