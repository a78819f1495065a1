const aws = require('aws-sdk');

exports.lambdaHandler = (event, context, callback) => {
  const stepfunctions = new aws.StepFunctions();
  // For every record in sqs queue
  for (const record of event.Records) {
    const messageBody = JSON.parse(record.body);
    const taskToken = messageBody.TaskToken;

    const params = {
      output: "\"approved\"",
      taskToken: taskToken
    };

    console.log(`Calling Step Functions to complete callback task with params ${JSON.stringify(params)}`);

    // Approve
    stepfunctions.sendTaskSuccess(params, (err, data) => {
      if (err) {
        console.error(err.message);
        callback(err.message);
        return;
      }
      console.log(data);
      callback(null);
    });
  }
};
