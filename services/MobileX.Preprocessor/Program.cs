var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPreprocessor();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

public partial class Program;
