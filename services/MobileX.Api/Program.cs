using MobileX.Api.Avatars;
using MobileX.Api.Coverage;
using MobileX.Api.Extensions;
using MobileX.Api.Http;
using MobileX.Api.Lake;
using MobileX.Api.Stations;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseInstanceHeader();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapOpenApi();
app.MapScalarApiReference("/api/reference");
app.MapDefaultEndpoints();
app.MapStationsApi();
app.MapAvatarsApi();
app.MapLakeApi();
app.MapCoverageApi();

app.Run();
